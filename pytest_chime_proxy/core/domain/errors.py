"""The service's modeled errors, raised by the domain and encoded by the wire layer.

Status codes and the legacy ``Code`` values come from the models (the legacy ErrorCode enum and each
error shape's httpStatusCode).
"""

from __future__ import annotations

import json
from typing import ClassVar

# exception shape -> (HTTP status, legacy ErrorCode)
ERRORS: dict[str, tuple[int, str]] = {
    "BadRequestException": (400, "BadRequest"),
    "UnauthorizedClientException": (401, "Unauthorized"),
    "ForbiddenException": (403, "Forbidden"),
    "AccessDeniedException": (403, "AccessDenied"),
    "NotFoundException": (404, "NotFound"),
    "ConflictException": (409, "Conflict"),
    "ResourceLimitExceededException": (400, "ResourceLimitExceeded"),
    "ThrottledClientException": (429, "Throttled"),
    "ServiceFailureException": (500, "ServiceFailure"),
    "ServiceUnavailableException": (503, "ServiceUnavailable"),
}


class ServiceError(Exception):
    """An error the service answers with. ``error_type`` is the model's exception shape name."""

    error_type: ClassVar[str] = "ServiceFailureException"
    fallback: ClassVar[str] = "BadRequestException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class BadRequest(ServiceError):
    error_type = "BadRequestException"


class NotFound(ServiceError):
    error_type = "NotFoundException"


class Forbidden(ServiceError):
    error_type = "ForbiddenException"


class Conflict(ServiceError):
    """Conflicting state (an operation whose model lacks ConflictException answers BadRequest instead)."""

    error_type = "ConflictException"


class ResourceLimitExceeded(ServiceError):
    error_type = "ResourceLimitExceededException"


class NotEmulated(ServiceError):
    """A Chime operation the fake does not answer: loud, and never retried by botocore (501)."""

    error_type = "NotImplementedException"
    fallback = "NotImplementedException"


class UnknownRoute(NotEmulated):
    """No operation of the namespace has this method and path (the server answers it 404; in-process 501)."""


class Injected(ServiceError):
    """An error of any modeled type, for fault injection."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type  # type: ignore[misc]


def error_body(name: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, JSON body) for an error shape name: compact, with ``Code``, ``Message`` and ``RequestId`` as
    Chime writes its errors."""
    status, code = ERRORS.get(name, (501, "NotImplemented"))
    return status, json.dumps(
        {"Code": code, "Message": message, "RequestId": request_id}, separators=(",", ":")
    ).encode()
