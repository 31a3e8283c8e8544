"""The async client against a real Engram server, and its surface against the sync client's."""

import asyncio
import inspect
from typing import Any, Dict, List

import pytest

from engram_client import AsyncEngram, Engram, NotFoundError, ValidationError
from engram_client import async_client as async_module
from engram_client import client as sync_module
from support import unique


def test_async_remember_recall_context_forget_and_pins(live: Dict[str, str]) -> None:
    async def run() -> None:
        namespace = unique("async")
        prefix = unique("async-pins") + ":"
        async with (
            AsyncEngram() as agent,
            AsyncEngram(token=live["ENGRAM_ADMIN_TOKEN"], tenant_id=live["ENGRAM_TENANT"]) as tenant_admin,
        ):
            try:
                stored = await agent.remember("Async agents keep their notes here", namespace, create_namespace=True)
                assert stored.duplicate is False
                found = await agent.recall("async notes", namespace)
                assert found.results[0].memory.id == stored.id
                context = await agent.context("async notes", namespace, format="json")
                assert context.format == "json" and stored.content in context.text

                # Calls run concurrently on one client.
                written = await asyncio.gather(*(agent.pins.set(f"{prefix}{n}", {"n": n}) for n in range(5)))
                assert sorted(pin.value["n"] for pin in written) == [0, 1, 2, 3, 4]
                listed: List[Any] = [pin async for pin in agent.pins.list(prefix=prefix, page_size=2)]
                assert [pin.key for pin in listed] == [f"{prefix}{n}" for n in range(5)]
                memories = [memory async for memory in agent.memories.list(namespace=namespace)]
                assert [memory.id for memory in memories] == [stored.id]

                await tenant_admin.forget(stored.id)
                with pytest.raises(NotFoundError) as caught:
                    await agent.memories.get(stored.id)
                assert caught.value.code == "memory_not_found"
                with pytest.raises(ValidationError) as invalid:
                    await agent.recall("", namespace)
                assert invalid.value.code == "invalid_query"
            finally:
                for n in range(5):
                    await tenant_admin.pins.delete(f"{prefix}{n}")
                await tenant_admin.namespaces.delete(namespace)

    asyncio.run(run())


def public_methods(cls: type) -> Dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize("name", ["Memories", "Namespaces", "Pins", "Tenants", "ApiKeys"])
def test_the_async_resources_have_the_sync_ones_methods_and_parameters(name: str) -> None:
    sync_cls = getattr(sync_module, name)
    async_cls = getattr(async_module, "Async" + name)
    sync_methods, async_methods = public_methods(sync_cls), public_methods(async_cls)
    assert sorted(sync_methods) == sorted(async_methods)
    for method, signature in sync_methods.items():
        assert list(signature.parameters) == list(async_methods[method].parameters), method
        is_iterator = inspect.isgeneratorfunction(getattr(sync_cls, method))
        member = getattr(async_cls, method)
        assert inspect.isasyncgenfunction(member) if is_iterator else inspect.iscoroutinefunction(member), method


def test_the_async_client_has_the_sync_clients_verbs() -> None:
    verbs = ["remember", "recall", "context", "forget", "health"]
    for verb in verbs:
        assert list(inspect.signature(getattr(Engram, verb)).parameters) == list(
            inspect.signature(getattr(AsyncEngram, verb)).parameters
        )
        assert inspect.iscoroutinefunction(getattr(AsyncEngram, verb))
