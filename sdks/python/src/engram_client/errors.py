"""Errors raised by the Engram clients.

Every error the API answers carries a stable ``code`` (docs/errors.md lists them): match on it,
never on ``message``. The class is chosen by HTTP status, so ``except NotFoundError`` catches
``memory_not_found``, ``pin_not_found``, ``namespace_not_found`` and the rest alike.
"""

from typing import Any, Dict, Optional


class EngramError(Exception):
    """An error from the API, or from reaching it (``status`` is None then)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: Optional[int] = None,
        request_id: Optional[str] = None,
        details: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id
        self.details: Dict[str, Any] = details or {}

    def __str__(self) -> str:
        where = f"{self.status} " if self.status is not None else ""
        request = f" (request {self.request_id})" if self.request_id else ""
        return f"{where}{self.code}: {self.message}{request}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"request_id={self.request_id!r}, message={self.message!r})"
        )


class ValidationError(EngramError):
    """400 (and 413, 415, 422): the request is wrong; do not retry it unchanged."""


class AuthError(EngramError):
    """401: no credential, or one the server does not accept."""


class PermissionDeniedError(AuthError):
    """403: the credential may not do this (``forbidden``, ``tenant_mismatch``,
    ``tenant_suspended``, ``quota_exceeded``)."""


class NotFoundError(EngramError):
    """404: no such memory, pin, namespace, tenant, key or route."""


class ConflictError(EngramError):
    """409: ``namespace_exists``, ``tenant_exists``, ``duplicate_content`` and the like."""


class RateLimitedError(EngramError):
    """429: past the tenant's requests per minute; ``retry_after`` says when (seconds)."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UnavailableError(EngramError):
    """503 (and 502, 504): the service or a dependency is down; ``retry_after`` if it said."""

    def __init__(self, message: str, *, retry_after: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(EngramError):
    """500 and other 5xx: the server failed; quote ``request_id`` when reporting it."""


class EngramConnectionError(EngramError):
    """The server could not be reached, or the connection broke before an answer."""

    def __init__(self, message: str, *, code: str = "connection_error", **kwargs: Any) -> None:
        super().__init__(message, code=code, **kwargs)


class EngramTimeoutError(EngramConnectionError):
    """No answer within the client's timeout."""

    def __init__(self, message: str, *, code: str = "timeout", **kwargs: Any) -> None:
        super().__init__(message, code=code, **kwargs)


_BY_STATUS = {
    400: ValidationError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: ValidationError,
    409: ConflictError,
    413: ValidationError,
    415: ValidationError,
    422: ValidationError,
    429: RateLimitedError,
    502: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}


def error_for_status(
    status: int,
    *,
    code: str,
    message: str,
    request_id: Optional[str],
    details: Optional[Dict[str, Any]],
    retry_after: Optional[float],
) -> EngramError:
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else EngramError)
    kwargs: Dict[str, Any] = {"code": code, "status": status, "request_id": request_id, "details": details}
    if cls in (RateLimitedError, UnavailableError):
        kwargs["retry_after"] = retry_after
    return cls(message, **kwargs)
