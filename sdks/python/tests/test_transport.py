"""Retries, timeouts, headers and error mapping, against a fake server in this process."""

import asyncio
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from engram_client import (
    AsyncEngram,
    Engram,
    EngramConnectionError,
    EngramTimeoutError,
    RateLimitedError,
    ServerError,
    UnavailableError,
)
from engram_client._base import RetryPolicy, parse_retry_after
from support import FakeServer, error_body

PIN = {
    "id": "3f0c8a4e-1d2b-4c5a-9e8f-0a1b2c3d4e5f",
    "tenant_id": "acme",
    "key": "config:units",
    "value": {"system": "metric"},
    "source": None,
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
    "expires_at": None,
}
MEMORY = {
    "id": "3f0c8a4e-1d2b-4c5a-9e8f-0a1b2c3d4e5f",
    "tenant_id": "acme",
    "namespace": "notes",
    "content": "hello",
    "type": "semantic",
    "metadata": {},
    "tags": ["a"],
    "importance": 0.5,
    "provenance": {"source": None, "actor": None, "created_by_key": None},
    "embedding_status": "ready",
    "access_count": 0,
    "last_accessed_at": None,
    "expires_at": None,
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
    "user_id": None,
    "agent_id": None,
    "session_id": None,
    "occurred_at": "2026-01-02T03:04:05.678Z",
    "state": "active",
    "superseded_by": None,
    "superseded_at": None,
    "supersedes": None,
    "duplicate": True,
}
NAMESPACE = {
    "tenant_id": "acme",
    "name": "notes",
    "id": "3f0c8a4e-1d2b-4c5a-9e8f-0a1b2c3d4e5f",
    "description": None,
    "default_token_budget": 4000,
    "embedding_model": "local-hash-384",
    "pending_embedding_model": None,
    "retention_days": None,
    "memory_count": 0,
    "created_at": "2026-01-02T03:04:05.678Z",
    "updated_at": "2026-01-02T03:04:05.678Z",
}


def unavailable(retry_after: str = "0") -> dict:
    return {"status": 503, "headers": {"retry-after": retry_after}, "body": error_body("database_unavailable")}


def client(fake: FakeServer, **options: object) -> Engram:
    return Engram(fake.url, api_key="eng_" + "a" * 64, **options)  # type: ignore[arg-type]


def test_a_read_is_retried_after_a_503_waiting_the_retry_after_seconds(fake: FakeServer) -> None:
    fake.script = [unavailable("1"), {"status": 200, "body": PIN}]
    started = time.monotonic()
    with client(fake) as engram:
        pin = engram.pins.get("config:units")
    assert pin.value == {"system": "metric"}
    assert [r["method"] for r in fake.requests] == ["GET", "GET"]
    waited = fake.request_times[1] - fake.request_times[0]
    assert 1.0 <= waited < 2.5
    assert time.monotonic() - started < 3


def test_a_memory_create_and_a_pin_upsert_are_retried(fake: FakeServer) -> None:
    # The API answers the same content in a namespace with the stored memory, and a pin upsert
    # writes the same value again: neither stores anything twice.
    limited = {"status": 429, "headers": {"retry-after": "0"}, "body": error_body("rate_limited")}
    fake.script = [limited, {"status": 200, "body": MEMORY}, limited, {"status": 200, "body": PIN}]
    with client(fake) as engram:
        memory = engram.remember("hello", "notes", tags=["a"])
        engram.pins.set("config:units", {"system": "metric"})
    assert memory.duplicate is True
    first, second, third, fourth = (request["body"] for request in fake.requests)
    assert first == second == {"namespace": "notes", "content": "hello", "tags": ["a"]}
    assert third == fourth == {"key": "config:units", "value": {"system": "metric"}}


def test_a_call_that_is_not_idempotent_is_sent_once(fake: FakeServer) -> None:
    fake.script = [unavailable("0"), {"status": 201, "body": NAMESPACE}]
    with client(fake) as engram, pytest.raises(UnavailableError) as caught:
        engram.namespaces.create("notes")
    assert len(fake.requests) == 1
    assert caught.value.code == "database_unavailable"
    assert caught.value.status == 503
    assert caught.value.retry_after == 0
    assert caught.value.request_id == "req-1"


def test_retries_stop_after_max_retries(fake: FakeServer) -> None:
    fake.script = [unavailable("0")]
    with client(fake, max_retries=3) as engram, pytest.raises(UnavailableError):
        engram.memories.get("3f0c8a4e-1d2b-4c5a-9e8f-0a1b2c3d4e5f")
    assert len(fake.requests) == 4


def test_a_retry_after_past_the_limit_is_raised_at_once_for_the_caller_to_decide(fake: FakeServer) -> None:
    fake.script = [{"status": 429, "headers": {"retry-after": "120"}, "body": error_body("rate_limited")}]
    with client(fake, max_retry_after=30) as engram, pytest.raises(RateLimitedError) as caught:
        engram.pins.get("config:units")
    assert len(fake.requests) == 1
    assert caught.value.retry_after == 120
    assert caught.value.code == "rate_limited"


def test_without_retry_after_the_backoff_is_exponential_jittered_and_capped() -> None:
    top = RetryPolicy(max_retries=10, backoff_base=0.5, backoff_max=3.0, jitter=lambda low, high: high)
    assert [top.delay(n, None) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    bottom = RetryPolicy(max_retries=10, jitter=lambda low, high: low)
    assert bottom.delay(3, None) == 0
    assert RetryPolicy(max_retries=2).delay(2, None) is None
    assert RetryPolicy(jitter=lambda low, high: 0.0).delay(0, 5.0) == 5.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now.timestamp()) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now.timestamp()) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_is_retried_then_raised_as_a_connection_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    sleeps = []
    engram = Engram(url, api_key="eng_" + "a" * 64, max_retries=2, backoff_base=0.01)
    engram._sleep = sleeps.append  # type: ignore[method-assign]
    with engram, pytest.raises(EngramConnectionError) as caught:
        engram.pins.get("config:units")
    assert not isinstance(caught.value, EngramTimeoutError)
    assert caught.value.code == "connection_error"
    assert caught.value.status is None
    assert len(sleeps) == 2


def test_a_slow_answer_is_a_timeout_and_is_not_retried(fake: FakeServer) -> None:
    fake.script = [{"status": 200, "body": PIN, "delay": 2}]
    started = time.monotonic()
    with client(fake, timeout=0.3) as engram, pytest.raises(EngramTimeoutError) as caught:
        engram.pins.get("config:units")
    assert time.monotonic() - started < 1.5
    assert caught.value.code == "timeout"
    assert isinstance(caught.value, EngramConnectionError)
    assert len(fake.requests) == 1


def test_an_error_without_a_json_body_keeps_its_status(fake: FakeServer) -> None:
    fake.script = [
        {"status": 502, "headers": {"content-type": "text/html"}, "body": b"<html>bad gateway</html>"},
        {"status": 500, "body": error_body("internal_error", "something broke", "req-500")},
    ]
    with client(fake, max_retries=0) as engram:
        with pytest.raises(UnavailableError) as gateway:
            engram.pins.get("a")
        with pytest.raises(ServerError) as internal:
            engram.pins.get("a")
    assert gateway.value.code == "http_502" and "bad gateway" in gateway.value.message
    assert internal.value.code == "internal_error" and internal.value.request_id == "req-500"


def test_credentials_tenant_and_paths_are_sent_as_the_api_expects(fake: FakeServer) -> None:
    fake.script = [{"status": 200, "body": PIN}]
    with Engram(fake.url + "/api/v1/", token="secret-token", tenant_id="acme") as engram:
        engram.pins.get("agents/a1:state")
        engram.pins.set("k", [1, 2], ttl_seconds=60)
    get, upsert = fake.requests
    assert get["path"] == "/api/v1/memory/pins/agents%2Fa1%3Astate?tenant_id=acme"
    assert get["headers"]["authorization"] == "Bearer secret-token"
    assert "x-api-key" not in get["headers"]
    assert get["headers"]["user-agent"].startswith("engram-client-python/")
    assert upsert["body"] == {"tenant_id": "acme", "key": "k", "value": [1, 2], "ttl_seconds": 60}
    assert upsert["headers"]["content-type"] == "application/json"


def test_the_environment_gives_the_url_and_the_token(fake: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGRAM_URL", fake.url)
    monkeypatch.setenv("ENGRAM_TOKEN", "from-env")
    fake.script = [{"status": 200, "body": {"status": "ok"}}]
    with Engram() as engram:
        assert engram.health().status == "ok"
    with Engram(api_key="eng_" + "b" * 64) as engram:
        engram.health()
    assert fake.requests[0]["headers"]["authorization"] == "Bearer from-env"
    assert fake.requests[1]["headers"]["x-api-key"] == "eng_" + "b" * 64
    assert "authorization" not in fake.requests[1]["headers"]


def test_the_async_client_retries_and_times_out_the_same_way(fake: FakeServer) -> None:
    async def run() -> None:
        fake.script = [unavailable("0"), {"status": 200, "body": PIN}]
        async with AsyncEngram(fake.url, api_key="eng_" + "a" * 64) as engram:
            pin = await engram.pins.get("config:units")
            assert pin.key == "config:units"
            assert len(fake.requests) == 2
            fake.script = [unavailable("0")]
            with pytest.raises(UnavailableError):
                await engram.namespaces.create("notes")
            assert len(fake.requests) == 3
        fake.script = [{"status": 200, "body": PIN, "delay": 2}]
        async with AsyncEngram(fake.url, api_key="eng_" + "a" * 64, timeout=0.3) as engram:
            with pytest.raises(EngramTimeoutError):
                await engram.pins.get("config:units")

    asyncio.run(run())
