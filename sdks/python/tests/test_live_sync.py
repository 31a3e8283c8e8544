"""The sync client against a real Engram server (see conftest.py for the environment)."""

from typing import Dict

import pytest

from engram_client import (
    AuthError,
    ConflictError,
    Engram,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from support import unique


def test_remember_recall_context_forget(agent: Engram, tenant_admin: Engram) -> None:
    namespace = unique("round-trip")
    stored = agent.remember(
        "The deploy window is Tuesdays 14:00 to 16:00 UTC",
        namespace,
        type="procedural",
        tags=["ops", "deploy"],
        metadata={"team": "platform", "checked": True},
        importance=0.9,
        create_namespace=True,
    )
    try:
        assert stored.duplicate is False
        assert stored.namespace == namespace and stored.type == "procedural"
        assert stored.metadata == {"team": "platform", "checked": True}
        again = agent.remember("The deploy window is Tuesdays 14:00 to 16:00 UTC", namespace)
        assert again.duplicate is True and again.id == stored.id
        agent.remember("Lunch is served at noon", namespace)

        found = agent.recall("when is the deploy window", namespace, k=5)
        assert found.results[0].memory.id == stored.id
        assert found.results[0].score > 0
        explained = agent.recall("deploy window", namespace, explain=True, tags=["deploy"])
        assert [r.memory.id for r in explained.results] == [stored.id]
        assert explained.results[0].components is not None

        context = agent.context("deploy window", namespace, token_budget=256, format="markdown")
        assert context.format == "markdown"
        assert "Tuesdays 14:00" in context.text
        assert any(block.memory_id == stored.id for block in context.blocks)
        assert context.tokens_used <= 256

        tenant_admin.forget(stored.id)
        with pytest.raises(NotFoundError) as caught:
            agent.memories.get(stored.id)
        assert caught.value.code == "memory_not_found"
        assert all(r.memory.id != stored.id for r in agent.recall("deploy window", namespace).results)
    finally:
        tenant_admin.namespaces.delete(namespace)


def test_memories_batch_list_pages_update_and_relations(agent: Engram, namespace: str, tenant_admin: Engram) -> None:
    batch = agent.memories.batch(
        namespace,
        ["first fact", {"content": "second fact", "tags": ["b"]}, "third fact", "fourth fact", "fifth fact"],
    )
    assert (batch.created, batch.duplicates) == (5, 0)
    ids = [memory.id for memory in batch.memories]

    pages = []
    cursor = None
    while True:
        page = agent.memories.list_page(namespace=namespace, limit=2, cursor=cursor)
        pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert [len(page.memories) for page in pages] == [2, 2, 1]
    listed = [memory.id for memory in agent.memories.list(namespace=namespace, page_size=2)]
    assert sorted(listed) == sorted(ids) and len(listed) == 5
    assert [m.content for m in agent.memories.list(namespace=namespace, tags=["b"])] == ["second fact"]

    updated = agent.memories.update(ids[0], content="first fact, revised", importance=0.7, source="unit-test")
    assert updated.content == "first fact, revised"
    assert updated.provenance.source == "unit-test"
    assert agent.memories.update(ids[0], source=None).provenance.source is None

    agent.memories.relate(ids[0], [{"to": ids[1], "relation": "supports", "weight": 0.5}])
    related = agent.memories.related(ids[0])
    assert [(r.memory.id, r.relation, r.depth) for r in related] == [(ids[1], "supports", 1)]

    tenant_admin.memories.delete(ids[4])
    assert len(list(agent.memories.list(namespace=namespace))) == 4


def test_pins_set_get_list_delete(agent: Engram, tenant_admin: Engram) -> None:
    prefix = unique("agents") + "/"
    created = agent.pins.set(prefix + "a1:state", {"step": 1, "done": False}, source="python-sdk")
    assert created.value == {"step": 1, "done": False}
    assert created.source == "python-sdk" and created.expires_at is None
    replaced = agent.pins.set(prefix + "a1:state", {"step": 2, "done": True}, ttl_seconds=3600)
    assert replaced.id == created.id and replaced.expires_at is not None
    assert agent.pins.get(prefix + "a1:state").value == {"step": 2, "done": True}
    for n in range(4):
        agent.pins.set(f"{prefix}item:{n}", n)

    page = agent.pins.list_page(prefix=prefix, limit=2)
    assert page.total == 5 and page.has_more and page.next_cursor
    keys = [pin.key for pin in agent.pins.list(prefix=prefix, page_size=2)]
    assert keys == sorted(keys) and len(keys) == 5
    assert [pin.value for pin in agent.pins.list(prefix=prefix + "item:")] == [0, 1, 2, 3]

    tenant_admin.pins.delete(prefix + "a1:state")
    with pytest.raises(NotFoundError) as caught:
        agent.pins.get(prefix + "a1:state")
    assert caught.value.code == "pin_not_found"
    for n in range(4):
        tenant_admin.pins.delete(f"{prefix}item:{n}")


def test_namespaces_create_get_list_update_delete(agent: Engram, tenant_admin: Engram) -> None:
    name = unique("ns")
    created = agent.namespaces.create(name, description="notes", default_token_budget=2000, retention_days=30)
    assert (created.name, created.description, created.default_token_budget) == (name, "notes", 2000)
    with pytest.raises(ConflictError) as conflict:
        agent.namespaces.create(name)
    assert conflict.value.code == "namespace_exists"
    assert agent.namespaces.get(name).retention_days == 30
    assert name in [namespace.name for namespace in agent.namespaces.list()]

    updated = agent.namespaces.update(name, description="renamed", default_token_budget=3000)
    assert (updated.description, updated.default_token_budget, updated.retention_days) == ("renamed", 3000, 30)
    cleared = agent.namespaces.update(name, description=None, retention_days=None)
    assert (cleared.description, cleared.retention_days) == (None, None)

    tenant_admin.namespaces.delete(name)
    with pytest.raises(NotFoundError) as caught:
        agent.namespaces.get(name)
    assert caught.value.code == "namespace_not_found"
    assert caught.value.details == {"namespace": name}


def test_errors_carry_the_apis_code_status_request_id_and_details(
    agent: Engram, admin: Engram, live: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NotFoundError) as missing:
        agent.remember("goes nowhere", unique("absent"))
    assert (missing.value.status, missing.value.code) == (404, "namespace_not_found")
    assert missing.value.request_id

    with pytest.raises(ValidationError) as invalid:
        agent.remember("", unique("ns"), create_namespace=True)
    assert (invalid.value.status, invalid.value.code) == (400, "invalid_content")
    assert invalid.value.details["path"] == ["content"]
    with pytest.raises(ValidationError) as bad_id:
        agent.memories.get("not-a-uuid")
    assert bad_id.value.code == "invalid_id"

    with Engram(api_key="eng_" + "0" * 64) as stranger, pytest.raises(AuthError) as unknown:
        stranger.pins.get("anything")
    assert (unknown.value.status, unknown.value.code) == (401, "unknown_credentials")
    monkeypatch.delenv("ENGRAM_TOKEN")
    with Engram() as anonymous, pytest.raises(AuthError) as anonymous_error:
        anonymous.pins.get("anything")
    assert anonymous_error.value.code == "missing_credentials"

    reader_key = admin.api_keys.create(live["ENGRAM_TENANT"], unique("reader"), "readonly")
    with Engram(api_key=reader_key.key) as reader, pytest.raises(PermissionDeniedError) as denied:
        reader.pins.set("readers:cannot", 1)
    assert (denied.value.status, denied.value.code) == (403, "forbidden")
    assert isinstance(denied.value, AuthError)
    admin.api_keys.revoke(live["ENGRAM_TENANT"], reader_key.id)


def test_tenants_and_api_keys(admin: Engram, live: Dict[str, str]) -> None:
    tenant_id = unique("py")
    tenant = admin.tenants.create(tenant_id, "Python SDK tenant", plan="free", quotas={"max_pins": 10})
    assert (tenant.id, tenant.plan, tenant.status, tenant.quotas.max_pins) == (tenant_id, "free", "active", 10)
    with pytest.raises(ConflictError) as exists:
        admin.tenants.create(tenant_id, "again")
    assert exists.value.code == "tenant_exists"
    assert admin.tenants.get(tenant_id).name == "Python SDK tenant"
    assert tenant_id in [t.id for t in admin.tenants.list(page_size=2)]
    assert admin.tenants.update(tenant_id, name="Renamed", quotas={"max_pins": None}).quota_overrides.max_pins is None

    key = admin.api_keys.create(tenant_id, "agent", "machine", scopes=["memory_pin:*"])
    assert key.key.startswith(key.key_prefix) and key.scopes == ["memory_pin:*"]
    assert [k.id for k in admin.api_keys.list(tenant_id)] == [key.id]
    with Engram(api_key=key.key) as tenant_agent:
        tenant_agent.pins.set("hello", "world")
    assert admin.tenants.usage(tenant_id).usage.pins == 1

    assert admin.tenants.suspend(tenant_id).status == "suspended"
    with Engram(api_key=key.key) as tenant_agent, pytest.raises(PermissionDeniedError) as suspended:
        tenant_agent.pins.get("hello")
    assert suspended.value.code == "tenant_suspended"
    assert admin.tenants.activate(tenant_id).status == "active"

    admin.api_keys.revoke(tenant_id, key.id)
    with Engram(api_key=key.key) as tenant_agent, pytest.raises(AuthError) as revoked:
        tenant_agent.pins.get("hello")
    assert revoked.value.code == "revoked_credentials"
    assert admin.tenants.delete(tenant_id).status == "pending_deletion"
    with pytest.raises(NotFoundError):
        admin.api_keys.revoke(live["ENGRAM_TENANT"], key.id)
