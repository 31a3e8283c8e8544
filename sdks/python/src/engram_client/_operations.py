"""Every API call the clients make, as a ``Request``: the one place that knows paths and bodies.

The sync and async clients call these builders and differ only in how they send the result.
"""

import json
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, TypedDict, Union

from . import models
from ._base import API_PREFIX, UNSET, Request, compact, given, iso, segment


class _RelationRequired(TypedDict):
    to: str
    relation: str


class RelationInput(_RelationRequired, total=False):
    """An edge from a memory: ``{"to": id, "relation": "supports", "weight": 0.8}``."""

    weight: float


class _MemoryRequired(TypedDict):
    content: str


class MemoryInput(_MemoryRequired, total=False):
    """One memory of a batch; ``content`` is required, the rest as in ``remember``."""

    type: str
    metadata: Dict[str, Any]
    tags: List[str]
    importance: float
    source: str
    ttl_seconds: int
    relations: List[RelationInput]


Timestamp = Union[str, datetime]
Json = Any

V1 = API_PREFIX


def _csv(values: Union[str, Sequence[str], None]) -> Optional[str]:
    if values is None or isinstance(values, str):
        return values
    return ",".join(values)


# -- health ----------------------------------------------------------------------------------


def health() -> Request[models.Liveness]:
    return Request("GET", "/health", model=models.Liveness, idempotent=True)


# -- memories, search, context ---------------------------------------------------------------


def memory_create(
    content: str,
    namespace: str,
    *,
    type: Optional[str] = None,
    tags: Optional[Sequence[str]] = None,
    metadata: Optional[Mapping[str, Json]] = None,
    importance: Optional[float] = None,
    source: Optional[str] = None,
    ttl_seconds: Optional[int] = None,
    relations: Optional[Sequence[RelationInput]] = None,
    create_namespace: Optional[bool] = None,
) -> Request[models.CreatedMemory]:
    body = compact(
        {
            "namespace": namespace,
            "content": content,
            "type": type,
            "tags": list(tags) if tags is not None else None,
            "metadata": dict(metadata) if metadata is not None else None,
            "importance": importance,
            "source": source,
            "ttl_seconds": ttl_seconds,
            "relations": list(relations) if relations is not None else None,
            "create_namespace": create_namespace,
        }
    )
    # The API answers the same content in the same namespace with the memory it already holds
    # (duplicate: true), so sending this again after a lost answer stores nothing twice.
    return Request("POST", f"{V1}/memories", body=body, model=models.CreatedMemory, idempotent=True, tenant="body")


def memory_batch(
    namespace: str,
    memories: Sequence[Union[str, MemoryInput]],
    *,
    create_namespace: Optional[bool] = None,
) -> Request[models.MemoryBatchResult]:
    items = [{"content": item} if isinstance(item, str) else dict(item) for item in memories]
    body = compact({"namespace": namespace, "memories": items, "create_namespace": create_namespace})
    return Request("POST", f"{V1}/memories/batch", body=body, model=models.MemoryBatchResult, tenant="body")


def memory_get(memory_id: str) -> Request[models.Memory]:
    return Request("GET", f"{V1}/memories/{segment(memory_id)}", model=models.Memory, idempotent=True, tenant="query")


def memory_list_page(
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
) -> Request[models.MemoryList]:
    params = {
        "namespace": namespace,
        "type": _csv(type),
        "tags": _csv(tags),
        "metadata": json.dumps(dict(metadata), separators=(",", ":")) if metadata is not None else None,
        "created_after": iso(created_after),
        "created_before": iso(created_before),
        "updated_after": iso(updated_after),
        "updated_before": iso(updated_before),
        "limit": limit,
        "cursor": cursor,
    }
    return Request("GET", f"{V1}/memories", params=params, model=models.MemoryList, idempotent=True, tenant="query")


def memory_update(
    memory_id: str,
    *,
    content: Optional[str] = None,
    namespace: Optional[str] = None,
    create_namespace: Optional[bool] = None,
    type: Optional[str] = None,
    tags: Optional[Sequence[str]] = None,
    metadata: Optional[Mapping[str, Json]] = None,
    importance: Optional[float] = None,
    source: Any = UNSET,
    ttl_seconds: Optional[int] = None,
) -> Request[models.Memory]:
    body = compact(
        {
            "content": content,
            "namespace": namespace,
            "create_namespace": create_namespace,
            "type": type,
            "tags": list(tags) if tags is not None else None,
            "metadata": dict(metadata) if metadata is not None else None,
            "importance": importance,
            "ttl_seconds": ttl_seconds,
        }
    )
    body.update(given({"source": source}))
    return Request("PATCH", f"{V1}/memories/{segment(memory_id)}", body=body, model=models.Memory, tenant="body")


def memory_delete(memory_id: str) -> Request[None]:
    return Request("DELETE", f"{V1}/memories/{segment(memory_id)}", idempotent=True, tenant="query")


def memory_related(
    memory_id: str, *, depth: Optional[int] = None, relation: Union[str, Sequence[str], None] = None
) -> Request[models.RelatedMemories]:
    return Request(
        "GET",
        f"{V1}/memories/{segment(memory_id)}/related",
        params={"depth": depth, "relation": _csv(relation)},
        model=models.RelatedMemories,
        idempotent=True,
        tenant="query",
    )


def memory_relate(memory_id: str, relations: Sequence[RelationInput]) -> Request[None]:
    return Request(
        "POST",
        f"{V1}/memories/{segment(memory_id)}/relations",
        body={"relations": [dict(relation) for relation in relations]},
        tenant="body",
    )


def search(
    query: str,
    namespace: Optional[str] = None,
    *,
    namespaces: Optional[Sequence[str]] = None,
    k: Optional[int] = None,
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
) -> Request[models.SearchResults]:
    filters = compact(
        {
            "types": list(types) if types is not None else None,
            "tags": list(tags) if tags is not None else None,
            "metadata": dict(metadata) if metadata is not None else None,
            "created_after": iso(created_after),
            "created_before": iso(created_before),
            "updated_after": iso(updated_after),
            "updated_before": iso(updated_before),
        }
    )
    body = compact(
        {
            "query": query,
            "namespace": namespace,
            "namespaces": list(namespaces) if namespaces is not None else None,
            "k": k,
            "filters": filters or None,
            "min_score": min_score,
            "explain": explain,
            "related_to": related_to,
            "related_mode": related_mode,
            "related_depth": related_depth,
            "related_relations": list(related_relations) if related_relations is not None else None,
            "fusion": fusion,
            "weights": dict(weights) if weights is not None else None,
        }
    )
    # A read sent as POST (the query is a body): safe to send again.
    return Request(
        "POST", f"{V1}/memories/search", body=body, model=models.SearchResults, idempotent=True, tenant="body"
    )


def context(
    query: str,
    namespace: str,
    *,
    token_budget: Optional[int] = None,
    format: Optional[str] = None,
    system_prompt: Optional[str] = None,
    pin_prefixes: Optional[Sequence[str]] = None,
    types: Optional[Sequence[str]] = None,
    k: Optional[int] = None,
) -> Request[models.AssembledContext]:
    body = compact(
        {
            "query": query,
            "namespace": namespace,
            "token_budget": token_budget,
            "format": format,
            "system_prompt": system_prompt,
            "pin_prefixes": list(pin_prefixes) if pin_prefixes is not None else None,
            "types": list(types) if types is not None else None,
            "k": k,
        }
    )
    return Request("POST", f"{V1}/context", body=body, model=models.AssembledContext, idempotent=True, tenant="body")


# -- namespaces ------------------------------------------------------------------------------


def namespace_create(
    name: str,
    *,
    description: Optional[str] = None,
    default_token_budget: Optional[int] = None,
    embedding_model: Optional[str] = None,
    retention_days: Optional[int] = None,
) -> Request[models.Namespace]:
    body = compact(
        {
            "name": name,
            "description": description,
            "default_token_budget": default_token_budget,
            "embedding_model": embedding_model,
            "retention_days": retention_days,
        }
    )
    return Request("POST", f"{V1}/namespaces", body=body, model=models.Namespace, tenant="body")


def namespace_get(name: str) -> Request[models.Namespace]:
    return Request("GET", f"{V1}/namespaces/{segment(name)}", model=models.Namespace, idempotent=True, tenant="query")


def namespace_list() -> Request[models.NamespaceList]:
    return Request("GET", f"{V1}/namespaces", model=models.NamespaceList, idempotent=True, tenant="query")


def namespace_update(
    name: str,
    *,
    description: Any = UNSET,
    default_token_budget: Optional[int] = None,
    embedding_model: Optional[str] = None,
    retention_days: Any = UNSET,
) -> Request[models.Namespace]:
    body = compact({"default_token_budget": default_token_budget, "embedding_model": embedding_model})
    body.update(given({"description": description, "retention_days": retention_days}))
    return Request("PATCH", f"{V1}/namespaces/{segment(name)}", body=body, model=models.Namespace, tenant="body")


def namespace_delete(name: str) -> Request[None]:
    return Request("DELETE", f"{V1}/namespaces/{segment(name)}", idempotent=True, tenant="query")


# -- pins ------------------------------------------------------------------------------------


def pin_set(
    key: str, value: Json, *, ttl_seconds: Optional[int] = None, source: Optional[str] = None
) -> Request[models.Pin]:
    body = {"key": key, "value": value, **compact({"ttl_seconds": ttl_seconds, "source": source})}
    # An upsert: the same value under the same key, however often it is sent.
    return Request("POST", f"{V1}/memory/pins", body=body, model=models.Pin, idempotent=True, tenant="body")


def pin_get(key: str) -> Request[models.Pin]:
    return Request("GET", f"{V1}/memory/pins/{segment(key)}", model=models.Pin, idempotent=True, tenant="query")


def pin_list_page(
    *, prefix: Optional[str] = None, limit: Optional[int] = None, cursor: Optional[str] = None
) -> Request[models.PinList]:
    return Request(
        "GET",
        f"{V1}/memory/pins",
        params={"prefix": prefix, "limit": limit, "cursor": cursor},
        model=models.PinList,
        idempotent=True,
        tenant="query",
    )


def pin_delete(key: str) -> Request[None]:
    return Request("DELETE", f"{V1}/memory/pins/{segment(key)}", idempotent=True, tenant="query")


def pin_cleanup(*, dry_run: Optional[bool] = None) -> Request[models.PinCleanup]:
    return Request(
        "POST", f"{V1}/memory/pins/cleanup", body=compact({"dry_run": dry_run}), model=models.PinCleanup, tenant="body"
    )


# -- tenants and API keys (admin) ------------------------------------------------------------


def tenant_create(
    tenant_id: str, name: str, *, plan: Optional[str] = None, quotas: Optional[Mapping[str, Optional[int]]] = None
) -> Request[models.Tenant]:
    body = compact({"id": tenant_id, "name": name, "plan": plan, "quotas": dict(quotas) if quotas else None})
    return Request("POST", f"{V1}/admin/tenants", body=body, model=models.Tenant)


def tenant_get(tenant_id: str) -> Request[models.Tenant]:
    return Request("GET", f"{V1}/admin/tenants/{segment(tenant_id)}", model=models.Tenant, idempotent=True)


def tenant_list_page(
    *,
    status: Optional[str] = None,
    plan: Optional[str] = None,
    limit: Optional[int] = None,
    cursor: Optional[str] = None,
) -> Request[models.TenantList]:
    return Request(
        "GET",
        f"{V1}/admin/tenants",
        params={"status": status, "plan": plan, "limit": limit, "cursor": cursor},
        model=models.TenantList,
        idempotent=True,
    )


def tenant_update(
    tenant_id: str,
    *,
    name: Optional[str] = None,
    plan: Optional[str] = None,
    quotas: Optional[Mapping[str, Optional[int]]] = None,
) -> Request[models.Tenant]:
    # In quotas, None removes an override (the plan's value applies again).
    body = compact({"name": name, "plan": plan, "quotas": dict(quotas) if quotas is not None else None})
    return Request("PATCH", f"{V1}/admin/tenants/{segment(tenant_id)}", body=body, model=models.Tenant)


def tenant_delete(tenant_id: str) -> Request[models.Tenant]:
    return Request("DELETE", f"{V1}/admin/tenants/{segment(tenant_id)}", model=models.Tenant, idempotent=True)


def tenant_usage(tenant_id: str) -> Request[models.TenantUsage]:
    return Request("GET", f"{V1}/admin/tenants/{segment(tenant_id)}/usage", model=models.TenantUsage, idempotent=True)


def tenant_suspend(tenant_id: str) -> Request[models.Tenant]:
    return Request("POST", f"{V1}/admin/tenants/{segment(tenant_id)}/suspend", model=models.Tenant)


def tenant_activate(tenant_id: str) -> Request[models.Tenant]:
    return Request("POST", f"{V1}/admin/tenants/{segment(tenant_id)}/activate", model=models.Tenant)


def api_key_create(
    tenant_id: str,
    name: str,
    role: str,
    *,
    scopes: Optional[Sequence[str]] = None,
    expires_at: Optional[Timestamp] = None,
) -> Request[models.CreatedApiKey]:
    body = compact(
        {
            "name": name,
            "role": role,
            "scopes": list(scopes) if scopes is not None else None,
            "expires_at": iso(expires_at),
        }
    )
    return Request("POST", f"{V1}/admin/tenants/{segment(tenant_id)}/api-keys", body=body, model=models.CreatedApiKey)


def api_key_list(tenant_id: str) -> Request[models.ApiKeyList]:
    return Request("GET", f"{V1}/admin/tenants/{segment(tenant_id)}/api-keys", model=models.ApiKeyList, idempotent=True)


def api_key_revoke(tenant_id: str, key_id: str) -> Request[None]:
    return Request("DELETE", f"{V1}/admin/tenants/{segment(tenant_id)}/api-keys/{segment(key_id)}", idempotent=True)
