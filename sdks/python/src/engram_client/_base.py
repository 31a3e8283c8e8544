"""What the sync and async clients share: configuration, requests, retries, error mapping.

The clients differ only in how they send (``httpx.Client`` or ``httpx.AsyncClient``) and how
they sleep; everything that decides (which URL, which headers, whether to retry and for how
long, what an answer means) lives here, once.
"""

import email.utils
import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Generic, Mapping, Optional, Type, TypeVar, Union
from urllib.parse import quote

import httpx

from . import _compat
from .errors import (
    EngramConnectionError,
    EngramError,
    EngramTimeoutError,
    error_for_status,
)

__version__ = "0.1.0"

DEFAULT_URL = "http://127.0.0.1:8080"
API_PREFIX = "/api/v1"
RETRY_STATUSES = (429, 503)


class _Unset:
    """Marks an argument that was not given, where ``None`` means "send null"."""

    _instance: Optional["_Unset"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()

_NO_BODY = object()

Timeout = Union[float, httpx.Timeout, None]

T = TypeVar("T")


@dataclass
class Request(Generic[T]):
    """One API call, before the client's base URL, credential and tenant are applied."""

    method: str
    path: str
    params: Dict[str, Any] = field(default_factory=dict)
    body: Any = _NO_BODY
    model: Optional[Type[T]] = None
    #: Safe to send again: reads, deletes, pin upserts, memory creates (deduplicated by content).
    idempotent: bool = False
    #: Where the client's default tenant_id goes: "query", "body" or nowhere.
    tenant: Optional[str] = None


@dataclass
class RetryPolicy:
    """Retries on 429/503 and broken connections, for idempotent calls only.

    The delay before retry ``n`` (0-based) is the server's ``Retry-After`` when it sent one
    (a 429 always does; a 503 ``database_unavailable`` does), else exponential backoff with
    full jitter: uniform(0, min(backoff_max, backoff_base * 2**n)). A ``Retry-After`` longer
    than ``max_retry_after`` is not waited for: the error is raised with ``retry_after`` set,
    for the caller to decide.
    """

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    jitter: Callable[[float, float], float] = random.uniform

    def delay(self, attempt: int, retry_after: Optional[float]) -> Optional[float]:
        """Seconds to wait before retry ``attempt``, or None to give up."""
        if attempt >= self.max_retries:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # A little jitter on top, so that clients told the same second do not return in step.
            return retry_after + self.jitter(0, min(0.1 * retry_after, 1.0))
        return self.jitter(0, min(self.backoff_max, self.backoff_base * (2**attempt)))


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def iso(value: Union[str, datetime, None]) -> Optional[str]:
    """A timestamp as the API wants it: ISO 8601 in UTC with ``Z``; naive datetimes are UTC."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def segment(value: str) -> str:
    """One path segment, escaped ("/" in a pin key becomes %2F, which the API accepts)."""
    return quote(value, safe="")


def compact(values: Mapping[str, Any]) -> Dict[str, Any]:
    """The arguments that were given: drops None (create calls) and UNSET (update calls)."""
    return {key: value for key, value in values.items() if value is not None and value is not UNSET}


def given(values: Mapping[str, Any]) -> Dict[str, Any]:
    """The arguments that were given, keeping None (sent as null: "clear this")."""
    return {key: value for key, value in values.items() if value is not UNSET}


class BaseClient:
    """Configuration shared by ``Engram`` and ``AsyncEngram``."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        *,
        api_key: Optional[str] = None,
        token: Optional[str] = None,
        tenant_id: Optional[str] = None,
        timeout: Timeout = 30.0,
        max_retries: int = 2,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        max_retry_after: float = 60.0,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        if api_key and token:
            raise ValueError("pass api_key or token, not both")
        url = (base_url or os.environ.get("ENGRAM_URL") or DEFAULT_URL).rstrip("/")
        # Accept a base URL that already ends in the API prefix.
        if url.endswith(API_PREFIX):
            url = url[: -len(API_PREFIX)]
        self.base_url = url
        if not api_key and not token:
            token = os.environ.get("ENGRAM_TOKEN") or None
        self.tenant_id = tenant_id
        self.timeout = timeout
        self.retry = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_retry_after=max_retry_after,
        )
        self._headers: Dict[str, str] = {
            "accept": "application/json",
            "user-agent": f"engram-client-python/{__version__}",
        }
        if api_key:
            self._headers["x-api-key"] = api_key
        elif token:
            self._headers["authorization"] = f"Bearer {token}"
        if headers:
            self._headers.update({key.lower(): value for key, value in headers.items()})

    def _prepare(self, request: "Request[Any]") -> Dict[str, Any]:
        params = {key: value for key, value in request.params.items() if value is not None}
        body = request.body
        if self.tenant_id is not None:
            if request.tenant == "query":
                params.setdefault("tenant_id", self.tenant_id)
            elif request.tenant == "body" and isinstance(body, dict):
                body = {"tenant_id": self.tenant_id, **body}
        # URL, headers and timeout go with each request, so that a caller's own httpx client
        # (proxies, transports, event hooks) works unchanged.
        options: Dict[str, Any] = {
            "method": request.method,
            "url": self.base_url + request.path,
            "headers": self._headers,
            "timeout": self.timeout,
        }
        if params:
            options["params"] = params
        if body is not _NO_BODY:
            options["json"] = body
        return options

    def _retry_delay(
        self,
        request: "Request[Any]",
        attempt: int,
        response: Optional[httpx.Response] = None,
        error: Optional[Exception] = None,
    ) -> Optional[float]:
        """Seconds to wait before sending ``request`` again, or None to stop here."""
        if not request.idempotent:
            return None
        if response is not None:
            if response.status_code not in RETRY_STATUSES:
                return None
            return self.retry.delay(attempt, parse_retry_after(response.headers.get("retry-after")))
        if isinstance(error, _RETRYABLE_TRANSPORT_ERRORS):
            return self.retry.delay(attempt, None)
        return None

    def _result(self, request: "Request[T]", response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise _error_from_response(response)
        if request.model is None or response.status_code == 204:
            return None  # type: ignore[return-value]  # a Request[None]
        return _compat.parse(request.model, response.json())  # type: ignore[type-var]


# Errors after which the request cannot have been processed, or whose connection broke: worth
# another try when the call is idempotent. A read timeout is not among them: the server may
# still be working, and retrying would multiply the caller's wait.
_RETRYABLE_TRANSPORT_ERRORS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


def transport_error(error: Exception, request: "Request[Any]") -> EngramError:
    """An httpx failure as the client's own error."""
    what = f"{request.method} {request.path}"
    if isinstance(error, httpx.TimeoutException):
        return EngramTimeoutError(f"{what}: no answer in time ({type(error).__name__})")
    return EngramConnectionError(f"{what}: {type(error).__name__}: {error}")


def _error_from_response(response: httpx.Response) -> EngramError:
    request_id = response.headers.get("x-request-id")
    code = f"http_{response.status_code}"
    message = response.reason_phrase or "error"
    details: Optional[Dict[str, Any]] = None
    try:
        payload = response.json()
    except ValueError:
        payload = None
        text = response.text.strip()
        if text:
            message = text[:200]
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        error = payload["error"]
        code = str(error.get("code") or code)
        message = str(error.get("message") or message)
        details = error.get("details") if isinstance(error.get("details"), dict) else None
        request_id = payload.get("request_id") or request_id
    return error_for_status(
        response.status_code,
        code=code,
        message=message,
        request_id=request_id,
        details=details,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )
