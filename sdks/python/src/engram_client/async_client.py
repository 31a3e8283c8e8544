"""The asynchronous client: ``AsyncEngram``, the same surface as ``Engram`` with ``await``."""

import asyncio
from typing import Any, AsyncIterator, List, Mapping, Optional, Sequence, Union

import httpx

from . import _operations as ops
from . import models
from ._base import UNSET, BaseClient, Request, T, Timeout, transport_error
from ._operations import Json, MemoryInput, RelationInput, Timestamp


class AsyncEngram(BaseClient):
    """An asyncio client for the Engram API (see ``Engram`` for the options).

    >>> from engram_client import AsyncEngram
    >>> async with AsyncEngram("http://127.0.0.1:8080", api_key="eng_…") as engram:
    ...     await engram.remember("The user prefers metric units", "agent-1", create_namespace=True)
    ...     print((await engram.context("units", "agent-1")).text)

    ``base_url`` defaults to ``$ENGRAM_URL`` (else http://127.0.0.1:8080). The credential is
    ``api_key`` (sent as ``X-API-Key``) or ``token`` (an API key, a JWT or the admin token,
    sent as ``Authorization: Bearer``), else ``$ENGRAM_TOKEN`` as a bearer token. ``tenant_id``
    is sent with every data call: for admin credentials, which may act for any tenant.

    Idempotent calls (reads, deletes, pin upserts, memory creates, search and context) are
    retried up to ``max_retries`` times on 429, 503 and broken connections, after the server's
    ``Retry-After`` or an exponential backoff with jitter. Other calls are sent once.
    """

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
        http_client: Optional[httpx.AsyncClient] = None,
    ) -> None:
        super().__init__(
            base_url,
            api_key=api_key,
            token=token,
            tenant_id=tenant_id,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_retry_after=max_retry_after,
            headers=headers,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self.memories = AsyncMemories(self)
        self.namespaces = AsyncNamespaces(self)
        self.pins = AsyncPins(self)
        self.tenants = AsyncTenants(self)
        self.api_keys = AsyncApiKeys(self)

    # -- the agent's four verbs ------------------------------------------------------------

    async def remember(
        self,
        content: str,
        namespace: str,
        *,
        type: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        importance: Optional[float] = None,
        create_namespace: Optional[bool] = None,
        source: Optional[str] = None,
        ttl_seconds: Optional[int] = None,
        relations: Optional[Sequence[RelationInput]] = None,
    ) -> models.CreatedMemory:
        """Store a memory; the same content again returns the stored one (``duplicate=True``)."""
        return await self.memories.create(
            content,
            namespace,
            type=type,
            tags=tags,
            metadata=metadata,
            importance=importance,
            create_namespace=create_namespace,
            source=source,
            ttl_seconds=ttl_seconds,
            relations=relations,
        )

    async def recall(
        self,
        query: str,
        namespace: Optional[str] = None,
        *,
        k: Optional[int] = None,
        namespaces: Optional[Sequence[str]] = None,
        types: Optional[Sequence[str]] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        min_score: Optional[float] = None,
        explain: Optional[bool] = None,
    ) -> models.SearchResults:
        """The memories that best match ``query`` (hybrid search), best first."""
        return await self.memories.search(
            query,
            namespace,
            k=k,
            namespaces=namespaces,
            types=types,
            tags=tags,
            metadata=metadata,
            min_score=min_score,
            explain=explain,
        )

    async def context(
        self,
        query: str,
        namespace: str,
        *,
        token_budget: Optional[int] = None,
        format: Optional[str] = None,
        system_prompt: Optional[str] = None,
        pin_prefixes: Optional[Sequence[str]] = None,
        types: Optional[Sequence[str]] = None,
        k: Optional[int] = None,
    ) -> models.AssembledContext:
        """The best memories and pins for ``query``, packed under ``token_budget`` for a prompt."""
        return await self._send(
            ops.context(
                query,
                namespace,
                token_budget=token_budget,
                format=format,
                system_prompt=system_prompt,
                pin_prefixes=pin_prefixes,
                types=types,
                k=k,
            )
        )

    async def forget(self, memory_id: str) -> None:
        """Delete a memory, with its vectors and relations."""
        await self.memories.delete(memory_id)

    async def health(self) -> models.Liveness:
        return await self._send(ops.health())

    # -- plumbing --------------------------------------------------------------------------

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> "AsyncEngram":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.aclose()

    async def _sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def _send(self, request: Request[T]) -> T:
        options = self._prepare(request)
        attempt = 0
        while True:
            try:
                response = await self._http.request(**options)
            except httpx.TransportError as error:
                delay = self._retry_delay(request, attempt, error=error)
                if delay is None:
                    raise transport_error(error, request) from error
            else:
                delay = self._retry_delay(request, attempt, response=response)
                if delay is None:
                    return self._result(request, response)
                await response.aclose()
            await self._sleep(delay)
            attempt += 1


class _Resource:
    def __init__(self, client: "AsyncEngram") -> None:
        self._c = client


class AsyncMemories(_Resource):
    async def create(
        self,
        content: str,
        namespace: str,
        *,
        type: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        importance: Optional[float] = None,
        create_namespace: Optional[bool] = None,
        source: Optional[str] = None,
        ttl_seconds: Optional[int] = None,
        relations: Optional[Sequence[RelationInput]] = None,
    ) -> models.CreatedMemory:
        return await self._c._send(
            ops.memory_create(
                content,
                namespace,
                type=type,
                tags=tags,
                metadata=metadata,
                importance=importance,
                source=source,
                ttl_seconds=ttl_seconds,
                relations=relations,
                create_namespace=create_namespace,
            )
        )

    async def batch(
        self,
        namespace: str,
        memories: Sequence[Union[str, MemoryInput]],
        *,
        create_namespace: Optional[bool] = None,
    ) -> models.MemoryBatchResult:
        """Store up to 1000 memories, all or nothing; strings are taken as content."""
        return await self._c._send(ops.memory_batch(namespace, memories, create_namespace=create_namespace))

    async def get(self, memory_id: str) -> models.Memory:
        return await self._c._send(ops.memory_get(memory_id))

    async def list(
        self,
        *,
        namespace: Optional[str] = None,
        type: Union[str, Sequence[str], None] = None,
        tags: Union[str, Sequence[str], None] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        created_after: Optional[Timestamp] = None,
        created_before: Optional[Timestamp] = None,
        updated_after: Optional[Timestamp] = None,
        updated_before: Optional[Timestamp] = None,
        page_size: Optional[int] = None,
    ) -> AsyncIterator[models.Memory]:
        """Every matching memory, newest first, fetching pages as the iteration needs them."""
        cursor: Optional[str] = None
        while True:
            page = await self.list_page(
                namespace=namespace,
                type=type,
                tags=tags,
                metadata=metadata,
                created_after=created_after,
                created_before=created_before,
                updated_after=updated_after,
                updated_before=updated_before,
                limit=page_size,
                cursor=cursor,
            )
            for memory in page.memories:
                yield memory
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def list_page(
        self,
        *,
        namespace: Optional[str] = None,
        type: Union[str, Sequence[str], None] = None,
        tags: Union[str, Sequence[str], None] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        created_after: Optional[Timestamp] = None,
        created_before: Optional[Timestamp] = None,
        updated_after: Optional[Timestamp] = None,
        updated_before: Optional[Timestamp] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> models.MemoryList:
        """One page; pass ``next_cursor`` back as ``cursor`` for the next."""
        return await self._c._send(
            ops.memory_list_page(
                namespace=namespace,
                type=type,
                tags=tags,
                metadata=metadata,
                created_after=created_after,
                created_before=created_before,
                updated_after=updated_after,
                updated_before=updated_before,
                limit=limit,
                cursor=cursor,
            )
        )

    async def update(
        self,
        memory_id: str,
        *,
        content: Optional[str] = None,
        namespace: Optional[str] = None,
        create_namespace: Optional[bool] = None,
        type: Optional[str] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        importance: Optional[float] = None,
        source: Optional[str] = UNSET,
        ttl_seconds: Optional[int] = None,
    ) -> models.Memory:
        """Change the given fields (``source=None`` clears the source)."""
        return await self._c._send(
            ops.memory_update(
                memory_id,
                content=content,
                namespace=namespace,
                create_namespace=create_namespace,
                type=type,
                tags=tags,
                metadata=metadata,
                importance=importance,
                source=source,
                ttl_seconds=ttl_seconds,
            )
        )

    async def delete(self, memory_id: str) -> None:
        await self._c._send(ops.memory_delete(memory_id))

    async def related(
        self,
        memory_id: str,
        *,
        depth: Optional[int] = None,
        relation: Union[str, Sequence[str], None] = None,
    ) -> List[models.RelatedMemory]:
        """Memories reachable through relations, nearest first."""
        result: models.RelatedMemories = await self._c._send(
            ops.memory_related(memory_id, depth=depth, relation=relation)
        )
        return result.related

    async def relate(self, memory_id: str, relations: Sequence[RelationInput]) -> None:
        """Add typed edges from this memory: ``[{"to": id, "relation": "supports"}]``."""
        await self._c._send(ops.memory_relate(memory_id, relations))

    async def search(
        self,
        query: str,
        namespace: Optional[str] = None,
        *,
        k: Optional[int] = None,
        namespaces: Optional[Sequence[str]] = None,
        types: Optional[Sequence[str]] = None,
        tags: Optional[Sequence[str]] = None,
        metadata: Optional[Mapping[str, Json]] = None,
        created_after: Optional[Timestamp] = None,
        created_before: Optional[Timestamp] = None,
        updated_after: Optional[Timestamp] = None,
        updated_before: Optional[Timestamp] = None,
        min_score: Optional[float] = None,
        explain: Optional[bool] = None,
        related_to: Optional[str] = None,
        related_mode: Optional[str] = None,
        related_depth: Optional[int] = None,
        related_relations: Optional[Sequence[str]] = None,
        fusion: Optional[str] = None,
        weights: Optional[Mapping[str, float]] = None,
    ) -> models.SearchResults:
        return await self._c._send(
            ops.search(
                query,
                namespace,
                k=k,
                namespaces=namespaces,
                types=types,
                tags=tags,
                metadata=metadata,
                created_after=created_after,
                created_before=created_before,
                updated_after=updated_after,
                updated_before=updated_before,
                min_score=min_score,
                explain=explain,
                related_to=related_to,
                related_mode=related_mode,
                related_depth=related_depth,
                related_relations=related_relations,
                fusion=fusion,
                weights=weights,
            )
        )


class AsyncNamespaces(_Resource):
    async def create(
        self,
        name: str,
        *,
        description: Optional[str] = None,
        default_token_budget: Optional[int] = None,
        embedding_model: Optional[str] = None,
        retention_days: Optional[int] = None,
    ) -> models.Namespace:
        return await self._c._send(
            ops.namespace_create(
                name,
                description=description,
                default_token_budget=default_token_budget,
                embedding_model=embedding_model,
                retention_days=retention_days,
            )
        )

    async def get(self, name: str) -> models.Namespace:
        return await self._c._send(ops.namespace_get(name))

    async def list(self) -> List[models.Namespace]:
        result: models.NamespaceList = await self._c._send(ops.namespace_list())
        return result.namespaces

    async def update(
        self,
        name: str,
        *,
        description: Optional[str] = UNSET,
        default_token_budget: Optional[int] = None,
        embedding_model: Optional[str] = None,
        retention_days: Optional[int] = UNSET,
    ) -> models.Namespace:
        """Change the given fields (``description=None`` or ``retention_days=None`` clears them)."""
        return await self._c._send(
            ops.namespace_update(
                name,
                description=description,
                default_token_budget=default_token_budget,
                embedding_model=embedding_model,
                retention_days=retention_days,
            )
        )

    async def delete(self, name: str) -> None:
        """Delete a namespace and every memory in it."""
        await self._c._send(ops.namespace_delete(name))


class AsyncPins(_Resource):
    async def set(
        self, key: str, value: Json, *, ttl_seconds: Optional[int] = None, source: Optional[str] = None
    ) -> models.Pin:
        """Create or replace the pin under ``key``; ``ttl_seconds`` makes it expire."""
        return await self._c._send(ops.pin_set(key, value, ttl_seconds=ttl_seconds, source=source))

    async def get(self, key: str) -> models.Pin:
        return await self._c._send(ops.pin_get(key))

    async def list(self, *, prefix: Optional[str] = None, page_size: Optional[int] = None) -> AsyncIterator[models.Pin]:
        """Every live pin in key order, fetching pages as the iteration needs them."""
        cursor: Optional[str] = None
        while True:
            page = await self.list_page(prefix=prefix, limit=page_size, cursor=cursor)
            for pin in page.pins:
                yield pin
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def list_page(
        self, *, prefix: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
    ) -> models.PinList:
        return await self._c._send(ops.pin_list_page(prefix=prefix, limit=limit, cursor=cursor))

    async def delete(self, key: str) -> None:
        await self._c._send(ops.pin_delete(key))

    async def cleanup(self, *, dry_run: Optional[bool] = None) -> models.PinCleanup:
        """Delete expired pins now (``dry_run=True`` only counts them)."""
        return await self._c._send(ops.pin_cleanup(dry_run=dry_run))


class AsyncTenants(_Resource):
    """Tenant administration: needs an admin credential."""

    async def create(
        self,
        tenant_id: str,
        name: str,
        *,
        plan: Optional[str] = None,
        quotas: Optional[Mapping[str, Optional[int]]] = None,
    ) -> models.Tenant:
        return await self._c._send(ops.tenant_create(tenant_id, name, plan=plan, quotas=quotas))

    async def get(self, tenant_id: str) -> models.Tenant:
        return await self._c._send(ops.tenant_get(tenant_id))

    async def list(
        self, *, status: Optional[str] = None, plan: Optional[str] = None, page_size: Optional[int] = None
    ) -> AsyncIterator[models.Tenant]:
        cursor: Optional[str] = None
        while True:
            page = await self.list_page(status=status, plan=plan, limit=page_size, cursor=cursor)
            for tenant in page.tenants:
                yield tenant
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    async def list_page(
        self,
        *,
        status: Optional[str] = None,
        plan: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> models.TenantList:
        return await self._c._send(ops.tenant_list_page(status=status, plan=plan, limit=limit, cursor=cursor))

    async def update(
        self,
        tenant_id: str,
        *,
        name: Optional[str] = None,
        plan: Optional[str] = None,
        quotas: Optional[Mapping[str, Optional[int]]] = None,
    ) -> models.Tenant:
        """Rename, change plan, or override quotas (a quota set to None drops its override)."""
        return await self._c._send(ops.tenant_update(tenant_id, name=name, plan=plan, quotas=quotas))

    async def delete(self, tenant_id: str) -> models.Tenant:
        """Revoke the tenant's keys now and erase its data in the background."""
        return await self._c._send(ops.tenant_delete(tenant_id))

    async def usage(self, tenant_id: str) -> models.TenantUsage:
        return await self._c._send(ops.tenant_usage(tenant_id))

    async def suspend(self, tenant_id: str) -> models.Tenant:
        return await self._c._send(ops.tenant_suspend(tenant_id))

    async def activate(self, tenant_id: str) -> models.Tenant:
        return await self._c._send(ops.tenant_activate(tenant_id))


class AsyncApiKeys(_Resource):
    """API key administration: needs an admin credential."""

    async def create(
        self,
        tenant_id: str,
        name: str,
        role: str,
        *,
        scopes: Optional[Sequence[str]] = None,
        expires_at: Optional[Timestamp] = None,
    ) -> models.CreatedApiKey:
        """A new key; its raw value is in ``.key``, returned this once."""
        return await self._c._send(ops.api_key_create(tenant_id, name, role, scopes=scopes, expires_at=expires_at))

    async def list(self, tenant_id: str) -> List[models.ApiKey]:
        result: models.ApiKeyList = await self._c._send(ops.api_key_list(tenant_id))
        return result.api_keys

    async def revoke(self, tenant_id: str, key_id: str) -> None:
        await self._c._send(ops.api_key_revoke(tenant_id, key_id))
