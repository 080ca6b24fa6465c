"""The service's modeled errors, raised by the domain (by exception shape name) and encoded by the wire
layer (``wire/errors.py`` has their HTTP status codes)."""

from __future__ import annotations

from typing import ClassVar


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


class Gone(ServiceError):
    """Something that existed is no longer available: an operation the service has withdrawn, a voice embedding
    past its 24 hours, an ended call (GoneException, 410)."""

    error_type = "GoneException"


class UnprocessableEntity(ServiceError):
    """A well-formed request the resource's state cannot follow (voice analytics off on the connector)."""

    error_type = "UnprocessableEntityException"


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
