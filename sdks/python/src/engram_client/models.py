"""Response models of the Engram API, generated from openapi.json (components.schemas).

Do not edit: run ``python3 sdks/python/scripts/generate_models.py``. A test fails when this file
is stale.
"""

# fmt: off
from datetime import datetime
from typing import Any, Dict, List, Optional, Union

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
    user_id: Optional[str] = Field(..., description="the user this key is bound to; null: any")
    agent_id: Optional[str] = Field(..., description="the agent this key is bound to; null: any")


class ApiKeyList(BaseModel):
    api_keys: List[ApiKey] = Field(..., description="never the raw keys")


class ContextBlock(BaseModel):
    zone: str = Field(..., description="one of: critical, middle, recency")
    ref: Optional[int] = Field(None, description="for a memory: the [n] that marks it in text")
    memory_id: Optional[str] = Field(..., description="null for a pin")
    pin_key: Optional[str] = Field(None, description="for a pin")
    superseded_by: Optional[str] = Field(None, description="for a superseded memory (only with include_superseded): its successor")
    supersedes: Optional[str] = Field(None, description="for a memory that superseded another: that one")
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


class ChatCompletion(BaseModel):
    id: Optional[str] = None
    object: Optional[str] = Field(None, description="chat.completion")
    model: Optional[str] = None
    choices: Optional[List[Dict[str, Any]]] = None
    usage: Optional[Dict[str, Any]] = None


class Provenance(BaseModel):
    source: Optional[str] = Field(...)
    actor: Optional[str] = Field(..., description="who wrote it: the credential's actor")
    created_by_key: Optional[str] = Field(..., description="the id of the API key that wrote it, if one did")


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
    user_id: Optional[str] = Field(...)
    agent_id: Optional[str] = Field(...)
    session_id: Optional[str] = Field(...)
    occurred_at: datetime = Field(..., description="when the event happened (created_at unless given)")
    state: str = Field(..., description="superseded memories are left out of search, context and list by default; one of: active, superseded")
    superseded_by: Optional[str] = Field(..., description="the memory that superseded this one (null once that one is deleted)")
    superseded_at: Optional[datetime] = Field(...)
    supersedes: Optional[str] = Field(..., description="the memory this one superseded")


class Conversation(BaseModel):
    """a session's messages, oldest first"""

    memories: List[Memory]
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")
    session_id: str


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
    user_id: Optional[str] = Field(..., description="the user this key is bound to; null: any")
    agent_id: Optional[str] = Field(..., description="the agent this key is bound to; null: any")
    key: str = Field(..., description="the raw key: shown once, stored only as its SHA-256")


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
    user_id: Optional[str] = Field(...)
    agent_id: Optional[str] = Field(...)
    session_id: Optional[str] = Field(...)
    occurred_at: datetime = Field(..., description="when the event happened (created_at unless given)")
    state: str = Field(..., description="superseded memories are left out of search, context and list by default; one of: active, superseded")
    superseded_by: Optional[str] = Field(..., description="the memory that superseded this one (null once that one is deleted)")
    superseded_at: Optional[datetime] = Field(...)
    supersedes: Optional[str] = Field(..., description="the memory this one superseded")
    duplicate: bool = Field(..., description="true: the same content already existed in the namespace; this is that memory")


class DriftComparisonBaseline(BaseModel):
    run_id: Optional[str] = Field(...)
    hash: str = Field(..., description="SHA-256 of the output as canonical JSON (keys sorted)")
    metadata: Optional[Dict[str, JsonValue]] = Field(...)


class DriftComparisonComponents(BaseModel):
    structural: float = Field(..., description="changed paths / all paths")
    text: Optional[float] = Field(..., description="mean 1 − cosine over shared text fields; null without any")


class DriftComparisonPaths(BaseModel):
    total: int
    added: int
    removed: int
    type_changed: int
    value_changed: int
    text: int
    text_changed: int


class DriftComparisonThresholds(BaseModel):
    low: float
    medium: float
    high: float


class DriftComparisonWeights(BaseModel):
    structural: float
    text: float


class DriftDiffEntry(BaseModel):
    path: str = Field(..., description="$.a.b[0]; keys that are not identifiers as $[\"a b\"]")
    change: str = Field(..., description="one of: added, removed, type_changed, value_changed, text_changed")
    baseline_type: Optional[str] = Field(None, description="one of: object, array, string, number, boolean, null")
    augmented_type: Optional[str] = Field(None, description="one of: object, array, string, number, boolean, null")
    baseline: Optional[Union[float, bool]] = Field(None, description="numbers, booleans and null only")
    augmented: Optional[Union[float, bool]] = Field(None, description="numbers, booleans and null only")
    distance: Optional[float] = Field(None, description="text_changed: 1 − cosine similarity")


class DriftComparison(BaseModel):
    id: str
    tenant_id: str
    workflow_id: str
    run_id: Optional[str] = Field(...)
    score: float = Field(..., description="0 (same) … 1 (nothing alike); docs/drift.md")
    severity: str = Field(..., description="one of: none, low, medium, high")
    components: DriftComparisonComponents
    weights: DriftComparisonWeights
    thresholds: DriftComparisonThresholds
    embedding_model: Optional[str] = Field(..., description="null when no text field changed")
    paths: DriftComparisonPaths
    diff: List[DriftDiffEntry] = Field(..., description="changed paths in path order, at most DRIFT_MAX_DIFF_ENTRIES")
    diff_truncated: bool
    baseline: DriftComparisonBaseline
    augmented: DriftComparisonBaseline
    created_at: datetime


class DriftComparisonList(BaseModel):
    comparisons: List[DriftComparison] = Field(..., description="newest first")
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class DriftSummaryBySeverity(BaseModel):
    none: int
    low: int
    medium: int
    high: int


class DriftSummaryLatest(BaseModel):
    id: str
    score: float
    severity: str = Field(..., description="one of: none, low, medium, high")
    created_at: datetime


class DriftSummary(BaseModel):
    workflow_id: str
    comparisons: int
    by_severity: DriftSummaryBySeverity
    mean_score: Optional[float] = Field(..., description="null without comparisons")
    max_score: Optional[float] = Field(...)
    latest: Optional[DriftSummaryLatest] = Field(...)


class DryRunRuleError(BaseModel):
    """why the rule would fail as a whole (nothing of it applied)"""

    code: str
    message: str


class PlannedAction(BaseModel):
    type: str
    detail: Dict[str, JsonValue] = Field(..., description="the action with its templates filled in")
    memory_ids: Optional[List[str]] = Field(None, description="memories the action would change (filter actions)")


class DryRunRule(BaseModel):
    rule_id: str
    matched: bool
    already_applied: bool = Field(..., description="the rule was applied to this recorded run before: it would not apply again")
    actions: List[PlannedAction]
    error: Optional[DryRunRuleError] = Field(..., description="why the rule would fail as a whole (nothing of it applied)")


class EffectiveFeatureFlagTenantOverride(BaseModel):
    """this tenant's override, if it has one"""

    enabled: bool
    updated_at: datetime
    updated_by: str


class EffectiveFeatureFlag(BaseModel):
    enabled: bool
    source: str = Field(..., description="where the value came from: tenant > env > file > default; one of: default, file, env, tenant")
    tenant_override: Optional[EffectiveFeatureFlagTenantOverride] = Field(..., description="this tenant's override, if it has one")


class ErrorDetail(BaseModel):
    code: str = Field(..., description="stable, for clients to match; docs/errors.md lists them")
    message: str = Field(..., description="for humans; may change")
    details: Optional[Dict[str, Any]] = None


class Error(BaseModel):
    error: ErrorDetail
    request_id: str


class ExtractionDecision(BaseModel):
    action: str = Field(..., description="one of: add, update, supersede, none")
    kind: str = Field(..., description="one of: fact, preference, plan")
    key: Optional[str] = Field(..., description="the slot the fact fills (user.location), if it fills one")
    memory_id: Optional[str] = Field(..., description="the memory written (add, update, supersede) or matched (none)")


class ExtractionJob(BaseModel):
    id: str
    type: str = Field(..., description="one of: extraction")
    status: str = Field(..., description="one of: queued, running, succeeded, failed")
    namespace: str
    message_ids: List[str]
    extractor: str = Field(..., description="one of: llm, offline")
    attempts: int
    error: Optional[DryRunRuleError] = Field(..., description="why the last attempt failed; on a queued job, the next attempt is pending")
    decisions: List[ExtractionDecision] = Field(..., description="one per extracted fact, once succeeded")
    created_at: datetime
    updated_at: datetime
    finished_at: Optional[datetime] = Field(...)


class FeatureFlagsFile(BaseModel):
    path: str
    version: str
    hash: str = Field(..., description="SHA-256 of the file, first 16 hex digits")
    loaded_at: datetime
    broadcast: str = Field(..., description="how a reload reaches the other replicas; one of: redis, postgres, none")


class FeatureFlags(BaseModel):
    tenant_id: Optional[str] = Field(..., description="null: the platform values, no tenant override applied")
    flags: Dict[str, EffectiveFeatureFlag]
    file: FeatureFlagsFile


class FeatureFlagsReload(BaseModel):
    changed: bool = Field(..., description="false: the file was already loaded")
    file: FeatureFlagsFile


class IngestedConversationExtraction(BaseModel):
    status: str = Field(..., description="not_requested: extract was not true; queued: a job extracts facts from the new messages; nothing_new: every message was stored before (a retry), nothing is queued; one of: not_requested, queued, nothing_new")
    job_id: Optional[str] = Field(None, description="when queued: GET /api/v1/jobs/{id}")


class IngestedMessage(BaseModel):
    id: str = Field(..., description="the memory that holds the message")
    index: int = Field(..., description="its position in the session")
    role: str = Field(..., description="one of: system, user, assistant, tool")
    duplicate: bool = Field(..., description="true: stored by an earlier request (a retry); this is that memory")


class IngestedConversation(BaseModel):
    namespace: str
    session_id: str
    messages: List[IngestedMessage] = Field(..., description="in request order")
    created: int
    duplicates: int
    extraction: IngestedConversationExtraction


class Liveness(BaseModel):
    status: str = Field(..., description="one of: ok")


class MemoryBatchResult(BaseModel):
    memories: List[CreatedMemory] = Field(..., description="in request order")
    created: int
    duplicates: int


class MemoryVersion(BaseModel):
    version: int = Field(..., description="1 for the first")
    at: datetime = Field(..., description="when this version became the memory")
    change: str = Field(..., description="create; update (PATCH, or another feature changing it); superseded; baseline (stored before versions were kept); import; one of: create, update, superseded, baseline, import")
    reason: str = Field(..., description="api, extraction, rule, import, …")
    actor: Optional[str] = Field(...)
    key_id: Optional[str] = Field(...)
    namespace: str
    content: str
    type: str = Field(..., description="one of: semantic, episodic, working, procedural")
    metadata: Dict[str, JsonValue]
    tags: List[str]
    importance: float
    source: Optional[str] = Field(...)
    expires_at: Optional[datetime] = Field(...)
    state: str = Field(..., description="one of: active, superseded")
    superseded_by: Optional[str] = Field(...)
    supersedes: Optional[str] = Field(...)


class MemoryHistory(BaseModel):
    memory_id: str
    versions: List[MemoryVersion] = Field(..., description="oldest first")


class MemoryList(BaseModel):
    memories: List[Memory]
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


class ModelListData(BaseModel):
    id: Optional[str] = None


class ModelList(BaseModel):
    object: Optional[str] = Field(None, description="list")
    data: Optional[List[ModelListData]] = None


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


class RecordedRun(BaseModel):
    tenant_id: str
    run_id: str
    workflow_id: str
    status: str = Field(..., description="one of: succeeded, failed, cancelled, timed_out")
    inputs: Optional[Dict[str, JsonValue]] = Field(...)
    outputs: Optional[Dict[str, JsonValue]] = Field(...)
    metrics: Optional[Dict[str, float]] = Field(...)
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    recorded_at: datetime
    post_update: str = Field(..., description="queued: the memory.post-update job was queued; disabled: the memory_post_update flag is off; not_queued: the queue could not be reached (send the same run again); one of: queued, disabled, not_queued")


class RelatedMemory(BaseModel):
    memory: Memory
    depth: int
    weight: float
    relation: str


class RelatedMemories(BaseModel):
    related: List[RelatedMemory] = Field(..., description="nearest first")


class RuleApplication(BaseModel):
    rule_id: str
    status: str = Field(..., description="one of: applied, failed")
    rules_version: str
    rules_hash: str
    changes: List[Dict[str, JsonValue]] = Field(..., description="what the rule wrote: pin keys and ids, memory ids")
    error: Optional[DryRunRuleError] = Field(...)
    applied_at: datetime


class Run(BaseModel):
    tenant_id: str
    run_id: str
    workflow_id: str
    status: str = Field(..., description="one of: succeeded, failed, cancelled, timed_out")
    inputs: Optional[Dict[str, JsonValue]] = Field(...)
    outputs: Optional[Dict[str, JsonValue]] = Field(...)
    metrics: Optional[Dict[str, float]] = Field(...)
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    recorded_at: datetime


class RunDetail(BaseModel):
    tenant_id: str
    run_id: str
    workflow_id: str
    status: str = Field(..., description="one of: succeeded, failed, cancelled, timed_out")
    inputs: Optional[Dict[str, JsonValue]] = Field(...)
    outputs: Optional[Dict[str, JsonValue]] = Field(...)
    metrics: Optional[Dict[str, float]] = Field(...)
    started_at: datetime
    finished_at: datetime
    duration_ms: int
    recorded_at: datetime
    applications: List[RuleApplication] = Field(..., description="update rules applied to this run (or failed), by rule id")


class RunDryRun(BaseModel):
    run_id: str
    rules_version: str
    rules_hash: str
    flag_enabled: bool = Field(..., description="memory_post_update for this tenant: off, recording a run changes nothing")
    rules: List[DryRunRule] = Field(..., description="in the order they apply; rules a stop rule cuts off are left out")


class RunList(BaseModel):
    runs: List[Run] = Field(..., description="newest first")
    has_more: bool
    next_cursor: Optional[str] = Field(..., description="pass it back as `cursor` for the next page; null on the last")


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


class SearchResultsTimeWindow(BaseModel):
    """with relative_time: true, the occurred_at window the query named (null: none found or not asked)"""

    phrase: str = Field(..., description="the phrase found in the query")
    after: str = Field(..., description="inclusive start (ISO 8601)")
    before: str = Field(..., description="exclusive end (ISO 8601)")


class SearchResults(BaseModel):
    results: List[SearchResult] = Field(..., description="best first")
    fusion: str = Field(..., description="how text and vector relevance were combined")
    lexical_only: bool = Field(..., description="the vector stage was skipped (query embedding failed or no namespace has vectors)")
    time_window: Optional[SearchResultsTimeWindow] = Field(..., description="with relative_time: true, the occurred_at window the query named (null: none found or not asked)")


class SupersedeResult(BaseModel):
    memory: Memory = Field(..., description="the new, active memory (supersedes names the old one)")
    superseded: Memory = Field(..., description="the old memory, now superseded (superseded_by names the new one)")


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


class UpdateRulesInfo(BaseModel):
    version: str
    hash: str
    loaded_at: datetime
    file: str
    rule_count: int
    rule_ids: List[str] = Field(..., description="in the order they apply")


class UpdateRulesReload(BaseModel):
    changed: bool
    info: UpdateRulesInfo


__all__ = [
    "JsonValue",
    "ApiKey",
    "ApiKeyList",
    "AssembledContext",
    "ChatCompletion",
    "ContextBlock",
    "ContextZones",
    "Conversation",
    "CreatedApiKey",
    "CreatedMemory",
    "DriftComparison",
    "DriftComparisonBaseline",
    "DriftComparisonComponents",
    "DriftComparisonList",
    "DriftComparisonPaths",
    "DriftComparisonThresholds",
    "DriftComparisonWeights",
    "DriftDiffEntry",
    "DriftSummary",
    "DriftSummaryBySeverity",
    "DriftSummaryLatest",
    "DryRunRule",
    "DryRunRuleError",
    "EffectiveFeatureFlag",
    "EffectiveFeatureFlagTenantOverride",
    "Error",
    "ErrorDetail",
    "ExtractionDecision",
    "ExtractionJob",
    "FeatureFlags",
    "FeatureFlagsFile",
    "FeatureFlagsReload",
    "HealthCheck",
    "IngestedConversation",
    "IngestedConversationExtraction",
    "IngestedMessage",
    "Liveness",
    "Memory",
    "MemoryBatchResult",
    "MemoryHistory",
    "MemoryList",
    "MemoryVersion",
    "ModelList",
    "ModelListData",
    "Namespace",
    "NamespaceList",
    "Pin",
    "PinCleanup",
    "PinList",
    "PlannedAction",
    "PolicyInfo",
    "PolicyMatrix",
    "PolicyReload",
    "Provenance",
    "QuotaOverrides",
    "Quotas",
    "RbacDecision",
    "RbacDecisionList",
    "Readiness",
    "RecordedRun",
    "RelatedMemories",
    "RelatedMemory",
    "RuleApplication",
    "Run",
    "RunDetail",
    "RunDryRun",
    "RunList",
    "ScoreComponents",
    "SearchResult",
    "SearchResults",
    "SearchResultsTimeWindow",
    "SkippedEntry",
    "SupersedeResult",
    "Tenant",
    "TenantList",
    "TenantUsage",
    "UpdateRulesInfo",
    "UpdateRulesReload",
    "UsageCounters",
    "ZoneUsage",
]

# Where each class comes from: a schema name, or the path of an inline object in one
# ("[]": array items, "{}": map values).
SCHEMA_PATHS = {
    "ApiKey": "ApiKey",
    "ApiKeyList": "ApiKeyList",
    "AssembledContext": "AssembledContext",
    "ChatCompletion": "ChatCompletion",
    "ContextBlock": "ContextBlock",
    "ContextZones": "AssembledContext.zones",
    "Conversation": "Conversation",
    "CreatedApiKey": "CreatedApiKey",
    "CreatedMemory": "CreatedMemory",
    "DriftComparison": "DriftComparison",
    "DriftComparisonBaseline": "DriftComparison.baseline",
    "DriftComparisonComponents": "DriftComparison.components",
    "DriftComparisonList": "DriftComparisonList",
    "DriftComparisonPaths": "DriftComparison.paths",
    "DriftComparisonThresholds": "DriftComparison.thresholds",
    "DriftComparisonWeights": "DriftComparison.weights",
    "DriftDiffEntry": "DriftDiffEntry",
    "DriftSummary": "DriftSummary",
    "DriftSummaryBySeverity": "DriftSummary.by_severity",
    "DriftSummaryLatest": "DriftSummary.latest",
    "DryRunRule": "DryRunRule",
    "DryRunRuleError": "DryRunRule.error",
    "EffectiveFeatureFlag": "EffectiveFeatureFlag",
    "EffectiveFeatureFlagTenantOverride": "EffectiveFeatureFlag.tenant_override",
    "Error": "Error",
    "ErrorDetail": "Error.error",
    "ExtractionDecision": "ExtractionDecision",
    "ExtractionJob": "ExtractionJob",
    "FeatureFlags": "FeatureFlags",
    "FeatureFlagsFile": "FeatureFlagsFile",
    "FeatureFlagsReload": "FeatureFlagsReload",
    "HealthCheck": "Readiness.info{}",
    "IngestedConversation": "IngestedConversation",
    "IngestedConversationExtraction": "IngestedConversation.extraction",
    "IngestedMessage": "IngestedMessage",
    "Liveness": "Liveness",
    "Memory": "Memory",
    "MemoryBatchResult": "MemoryBatchResult",
    "MemoryHistory": "MemoryHistory",
    "MemoryList": "MemoryList",
    "MemoryVersion": "MemoryVersion",
    "ModelList": "ModelList",
    "ModelListData": "ModelList.data[]",
    "Namespace": "Namespace",
    "NamespaceList": "NamespaceList",
    "Pin": "Pin",
    "PinCleanup": "PinCleanup",
    "PinList": "PinList",
    "PlannedAction": "PlannedAction",
    "PolicyInfo": "PolicyInfo",
    "PolicyMatrix": "PolicyMatrix",
    "PolicyReload": "PolicyReload",
    "Provenance": "Provenance",
    "QuotaOverrides": "Tenant.quota_overrides",
    "Quotas": "Quotas",
    "RbacDecision": "RbacDecision",
    "RbacDecisionList": "RbacDecisionList",
    "Readiness": "Readiness",
    "RecordedRun": "RecordedRun",
    "RelatedMemories": "RelatedMemories",
    "RelatedMemory": "RelatedMemory",
    "RuleApplication": "RuleApplication",
    "Run": "Run",
    "RunDetail": "RunDetail",
    "RunDryRun": "RunDryRun",
    "RunList": "RunList",
    "ScoreComponents": "ScoreComponents",
    "SearchResult": "SearchResult",
    "SearchResults": "SearchResults",
    "SearchResultsTimeWindow": "SearchResults.time_window",
    "SkippedEntry": "AssembledContext.skipped[]",
    "SupersedeResult": "SupersedeResult",
    "Tenant": "Tenant",
    "TenantList": "TenantList",
    "TenantUsage": "TenantUsage",
    "UpdateRulesInfo": "UpdateRulesInfo",
    "UpdateRulesReload": "UpdateRulesReload",
    "UsageCounters": "TenantUsage.usage",
    "ZoneUsage": "AssembledContext.zones.critical",
}
