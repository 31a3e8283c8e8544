"""Response models of the Engram API, generated from openapi.json (components.schemas).

Do not edit: run ``python3 sdks/python/scripts/generate_models.py``. A test fails when this file
is stale.
"""

# fmt: off
from datetime import datetime
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field

JsonValue = Any


class ApiKey(BaseModel):
    id: str
    tenant_id: str
    name: str
    role: str
    scopes: Optional[List[str]] = Field(..., description="null: the role's permissions, unnarrowed")
    key_prefix: str = Field(..., description="the first characters of the key, enough to recognise it, never to use it")
    created_at: datetime
    expires_at: Optional[datetime] = Field(...)
    revoked_at: Optional[datetime] = Field(...)
    last_used_at: Optional[datetime] = Field(...)


class ApiKeyList(BaseModel):
    api_keys: List[ApiKey] = Field(..., description="never the raw keys")


class ContextBlock(BaseModel):
    zone: str = Field(..., description="one of: critical, middle, recency")
    ref: Optional[int] = Field(None, description="for a memory: the [n] that marks it in text")
    memory_id: Optional[str] = Field(..., description="null for a pin")
    pin_key: Optional[str] = Field(None, description="for a pin")
    content: str
    score: float
    tokens: int


class ZoneUsage(BaseModel):
    budget: int
    used: int


class ContextZones(BaseModel):
    critical: ZoneUsage
    middle: ZoneUsage
    recency: ZoneUsage


class SkippedEntry(BaseModel):
    memory_id: Optional[str] = Field(...)
    pin_key: Optional[str] = None
    reason: str = Field(..., description="one of: budget")


class AssembledContext(BaseModel):
    text: str = Field(..., description="the blocks rendered for a prompt, framed as data")
    format: str = Field(..., description="one of: xml, markdown, json")
    blocks: List[ContextBlock] = Field(..., description="in the order of text")
    tokens_used: int
    zones: ContextZones
    considered: int = Field(..., description="memories and pins that were candidates")
    skipped: List[SkippedEntry]
    degraded: Optional[bool] = Field(None, description="present only on a fail-open answer: the context is empty because its sources could not be read")
    degraded_reason: Optional[str] = Field(None, description="with degraded: database_unavailable, or cache_and_database_unavailable when the cache failed too; one of: database_unavailable, cache_and_database_unavailable")


class CreatedApiKey(BaseModel):
    id: str
    tenant_id: str
    name: str
    role: str
    scopes: Optional[List[str]] = Field(..., description="null: the role's permissions, unnarrowed")
    key_prefix: str = Field(..., description="the first characters of the key, enough to recognise it, never to use it")
    created_at: datetime
    expires_at: Optional[datetime] = Field(...)
    revoked_at: Optional[datetime] = Field(...)
    last_used_at: Optional[datetime] = Field(...)
    key: str = Field(..., description="the raw key: shown once, stored only as its SHA-256")


class Provenance(BaseModel):
    source: Optional[str] = Field(...)
    actor: Optional[str] = Field(..., description="who wrote it: the credential's actor")
    created_by_key: Optional[str] = Field(..., description="the id of the API key that wrote it, if one did")


class CreatedMemory(BaseModel):
    id: str
    tenant_id: str
    namespace: str
    content: str
    type: str = Field(..., description="one of: semantic, episodic, working, procedural")
    metadata: Dict[str, JsonValue]
    tags: List[str]
    importance: float
    provenance: Provenance
    embedding_status: str = Field(..., description="searchable by text at once, by meaning once ready; failed after the last retry; one of: pending, ready, failed")
    access_count: int
    last_accessed_at: Optional[datetime] = Field(...)
    expires_at: Optional[datetime] = Field(...)
    created_at: datetime
    updated_at: datetime
    duplicate: bool = Field(..., description="true: the same content already existed in the namespace; this is that memory")


class ErrorDetail(BaseModel):
    code: str = Field(..., description="stable, for clients to match; docs/errors.md lists them")
    message: str = Field(..., description="for humans; may change")
    details: Optional[Dict[str, Any]] = None


class Error(BaseModel):
    error: ErrorDetail
    request_id: str


class Liveness(BaseModel):
    status: str = Field(..., description="one of: ok")


class Memory(BaseModel):
    id: str
    tenant_id: str
    namespace: str
    content: str
    type: str = Field(..., description="one of: semantic, episodic, working, procedural")
    metadata: Dict[str, JsonValue]
    tags: List[str]
    importance: float
    provenance: Provenance
    embedding_status: str = Field(..., description="searchable by text at once, by meaning once ready; failed after the last retry; one of: pending, ready, failed")
    access_count: int
    last_accessed_at: Optional[datetime] = Field(...)
    expires_at: Optional[datetime] = Field(...)
    created_at: datetime
    updated_at: datetime


class MemoryBatchResult(BaseModel):
    memories: List[CreatedMemory] = Field(..., description="in request order")
    created: int
    duplicates: int


class MemoryList(BaseModel):
    memories: List[Memory]
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class Namespace(BaseModel):
    tenant_id: str
    name: str
    id: str
    description: Optional[str] = Field(...)
    default_token_budget: int
    embedding_model: str
    pending_embedding_model: Optional[str] = Field(..., description="set while a re-embed to another model runs")
    retention_days: Optional[int] = Field(...)
    memory_count: int
    created_at: datetime
    updated_at: datetime


class NamespaceList(BaseModel):
    namespaces: List[Namespace] = Field(..., description="by name")


class Pin(BaseModel):
    id: str
    tenant_id: str
    key: str
    value: JsonValue = Field(...)
    source: Optional[str] = Field(...)
    created_at: datetime
    updated_at: datetime
    expires_at: Optional[datetime] = Field(..., description="null: never expires")


class PinCleanup(BaseModel):
    deleted: int
    dry_run: bool
    tenant_id: Optional[str] = Field(...)
    would_delete: Optional[int] = None


class PinList(BaseModel):
    pins: List[Pin]
    total: int = Field(..., description="live pins matching the prefix, on every page")
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class PolicyInfo(BaseModel):
    version: str
    hash: str = Field(..., description="SHA-256 of the policy file")
    enforce_mode: str = Field(..., description="one of: enforce, shadow")
    loaded_at: datetime
    rule_count: int
    inheritance_count: int
    file: str
    broadcast: str = Field(..., description="how a reload reaches the other replicas; one of: redis, postgres, none")


class PolicyMatrix(BaseModel):
    version: str
    hash: str
    roles: List[str]
    resources: List[str]
    actions: List[str]
    matrix: Dict[str, Dict[str, List[str]]] = Field(..., description="role → resource → the actions it may take")


class PolicyReload(BaseModel):
    changed: bool = Field(..., description="false: the file was already loaded")
    info: PolicyInfo


class Quotas(BaseModel):
    max_pins: int
    max_memories: int
    storage_bytes: int
    requests_per_minute: int


class RbacDecision(BaseModel):
    id: str
    ts: datetime
    tenant_id: str
    actor: str
    role: str
    resource: str
    action: str
    decision: str = Field(..., description="one of: allow, deny")
    reason: str
    enforced: bool = Field(..., description="false in shadow mode: the decision was recorded, not applied")
    request_id: Optional[str] = Field(...)


class RbacDecisionList(BaseModel):
    decisions: List[RbacDecision] = Field(..., description="newest first")
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class HealthCheck(BaseModel):
    status: str = Field(..., description="one of: up, down")


class Readiness(BaseModel):
    status: str = Field(..., description="one of: ok, error, shutting_down")
    info: Optional[Dict[str, HealthCheck]] = None
    error: Optional[Dict[str, HealthCheck]] = None
    details: Dict[str, HealthCheck]


class RelatedMemory(BaseModel):
    memory: Memory
    depth: int
    weight: float
    relation: str


class RelatedMemories(BaseModel):
    related: List[RelatedMemory] = Field(..., description="nearest first")


class ScoreComponents(BaseModel):
    relevance: float = Field(..., description="the fused text and vector relevance")
    vector: Optional[float] = Field(..., description="cosine similarity; null when the memory was not a vector hit")
    lexical: Optional[float] = Field(..., description="BM25; null when the memory was not a text hit")
    vector_rank: Optional[int] = Field(...)
    lexical_rank: Optional[int] = Field(...)
    recency: float
    importance: float
    access: float
    relation: float


class SearchResult(BaseModel):
    memory: Memory
    score: float
    components: Optional[ScoreComponents] = Field(None, description="with explain: true")


class SearchResults(BaseModel):
    results: List[SearchResult] = Field(..., description="best first")
    fusion: str = Field(..., description="how text and vector relevance were combined")
    lexical_only: bool = Field(..., description="the vector stage was skipped (query embedding failed or no namespace has vectors)")


class QuotaOverrides(BaseModel):
    max_pins: Optional[int] = None
    max_memories: Optional[int] = None
    storage_bytes: Optional[int] = None
    requests_per_minute: Optional[int] = None


class Tenant(BaseModel):
    id: str
    name: str
    plan: str = Field(..., description="one of: free, standard, premium")
    status: str = Field(..., description="one of: active, suspended, pending_deletion")
    quotas: Quotas = Field(..., description="effective quotas: the plan's, with this tenant's overrides applied")
    quota_overrides: QuotaOverrides
    created_at: datetime
    updated_at: datetime


class TenantList(BaseModel):
    tenants: List[Tenant]
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class UsageCounters(BaseModel):
    pins: int
    memories: int
    storage_bytes: int


class TenantUsage(BaseModel):
    tenant_id: str
    plan: str = Field(..., description="one of: free, standard, premium")
    usage: UsageCounters
    quotas: Quotas


__all__ = [
    "JsonValue",
    "ApiKey",
    "ApiKeyList",
    "AssembledContext",
    "ContextBlock",
    "ContextZones",
    "CreatedApiKey",
    "CreatedMemory",
    "Error",
    "ErrorDetail",
    "HealthCheck",
    "Liveness",
    "Memory",
    "MemoryBatchResult",
    "MemoryList",
    "Namespace",
    "NamespaceList",
    "Pin",
    "PinCleanup",
    "PinList",
    "PolicyInfo",
    "PolicyMatrix",
    "PolicyReload",
    "Provenance",
    "QuotaOverrides",
    "Quotas",
    "RbacDecision",
    "RbacDecisionList",
    "Readiness",
    "RelatedMemories",
    "RelatedMemory",
    "ScoreComponents",
    "SearchResult",
    "SearchResults",
    "SkippedEntry",
    "Tenant",
    "TenantList",
    "TenantUsage",
    "UsageCounters",
    "ZoneUsage",
]

# Where each class comes from: a schema name, or the path of an inline object in one
# ("[]": array items, "{}": map values).
SCHEMA_PATHS = {
    "ApiKey": "ApiKey",
    "ApiKeyList": "ApiKeyList",
    "AssembledContext": "AssembledContext",
    "ContextBlock": "ContextBlock",
    "ContextZones": "AssembledContext.zones",
    "CreatedApiKey": "CreatedApiKey",
    "CreatedMemory": "CreatedMemory",
    "Error": "Error",
    "ErrorDetail": "Error.error",
    "HealthCheck": "Readiness.info{}",
    "Liveness": "Liveness",
    "Memory": "Memory",
    "MemoryBatchResult": "MemoryBatchResult",
    "MemoryList": "MemoryList",
    "Namespace": "Namespace",
    "NamespaceList": "NamespaceList",
    "Pin": "Pin",
    "PinCleanup": "PinCleanup",
    "PinList": "PinList",
    "PolicyInfo": "PolicyInfo",
    "PolicyMatrix": "PolicyMatrix",
    "PolicyReload": "PolicyReload",
    "Provenance": "Provenance",
    "QuotaOverrides": "Tenant.quota_overrides",
    "Quotas": "Quotas",
    "RbacDecision": "RbacDecision",
    "RbacDecisionList": "RbacDecisionList",
    "Readiness": "Readiness",
    "RelatedMemories": "RelatedMemories",
    "RelatedMemory": "RelatedMemory",
    "ScoreComponents": "ScoreComponents",
    "SearchResult": "SearchResult",
    "SearchResults": "SearchResults",
    "SkippedEntry": "AssembledContext.skipped[]",
    "Tenant": "Tenant",
    "TenantList": "TenantList",
    "TenantUsage": "TenantUsage",
    "UsageCounters": "TenantUsage.usage",
    "ZoneUsage": "AssembledContext.zones.critical",
}
