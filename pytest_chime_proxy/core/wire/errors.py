"""Errors on the wire: each modeled exception shape's HTTP status and legacy ``Code``, and the error body.

Status codes and the legacy ``Code`` values come from the models (the legacy ErrorCode enum and each
error shape's httpStatusCode).
"""

from __future__ import annotations

import json

# exception shape -> (HTTP status, legacy ErrorCode)
ERRORS: dict[str, tuple[int, str]] = {
    "BadRequestException": (400, "BadRequest"),
    "UnauthorizedClientException": (401, "Unauthorized"),
    "ForbiddenException": (403, "Forbidden"),
    "AccessDeniedException": (403, "AccessDenied"),
    "NotFoundException": (404, "NotFound"),
    "ConflictException": (409, "Conflict"),
    "GoneException": (410, "Gone"),
    "UnprocessableEntityException": (422, "Unprocessable"),
    "ResourceLimitExceededException": (400, "ResourceLimitExceeded"),
    "ThrottledClientException": (429, "Throttled"),
    "ServiceFailureException": (500, "ServiceFailure"),
    "ServiceUnavailableException": (503, "ServiceUnavailable"),
}


def error_body(name: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, JSON body) for an error shape name: compact, with ``Code``, ``Message`` and ``RequestId`` as
    Chime writes its errors."""
    status, code = ERRORS.get(name, (501, "NotImplemented"))
    return status, json.dumps(
        {"Code": code, "Message": message, "RequestId": request_id}, separators=(",", ":")
    ).encode()
