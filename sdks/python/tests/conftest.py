"""Fixtures: clients for a real Engram server (from the environment) and a scriptable fake one.

The live tests need ENGRAM_URL, ENGRAM_TOKEN (a tenant's machine key), ENGRAM_TENANT and
ENGRAM_ADMIN_TOKEN; test/python-sdk.spec.ts starts the server and sets them. Without them the
live tests are skipped and the offline ones (models, retries, timeouts) still run.

The package is imported from src/ unless ENGRAM_CLIENT_INSTALLED=1 says to test the installed one.
"""

import os
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest

SDK_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = SDK_ROOT.parent.parent
if os.environ.get("ENGRAM_CLIENT_INSTALLED") != "1":
    sys.path.insert(0, str(SDK_ROOT / "src"))

from engram_client import Engram  # noqa: E402
from support import FakeServer, unique  # noqa: E402

LIVE_ENV = ("ENGRAM_URL", "ENGRAM_TOKEN", "ENGRAM_TENANT", "ENGRAM_ADMIN_TOKEN")


@pytest.fixture(scope="session")
def live() -> Dict[str, str]:
    missing = [name for name in LIVE_ENV if not os.environ.get(name)]
    if missing:
        pytest.skip(f"no Engram server: set {', '.join(missing)}")
    return {name: os.environ[name] for name in LIVE_ENV}


@pytest.fixture
def agent(live: Dict[str, str]) -> Iterator[Engram]:
    """The tenant's agent: base URL and credential from ENGRAM_URL and ENGRAM_TOKEN."""
    with Engram() as client:
        yield client


@pytest.fixture
def admin(live: Dict[str, str]) -> Iterator[Engram]:
    with Engram(token=live["ENGRAM_ADMIN_TOKEN"]) as client:
        yield client


@pytest.fixture
def tenant_admin(live: Dict[str, str]) -> Iterator[Engram]:
    """An operator acting for the test tenant (deletes need more than a machine key)."""
    with Engram(token=live["ENGRAM_ADMIN_TOKEN"], tenant_id=live["ENGRAM_TENANT"]) as client:
        yield client


@pytest.fixture
def namespace(agent: Engram, tenant_admin: Engram) -> Iterator[str]:
    name = unique("ns")
    agent.namespaces.create(name, description="python sdk test")
    yield name
    try:
        tenant_admin.namespaces.delete(name)
    except Exception:  # noqa: BLE001 - a test may have deleted it already
        pass


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.close()
