import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Optional string env var: unset and empty both mean "not configured". */
const optionalString = () =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/**
 * Every environment variable Engram reads, parsed once at boot.
 * Defaults give the embedded mode: PGlite in-process and an in-process queue.
 */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: optionalString().pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  ),
  /**
   * Postgres itself when DATABASE_URL is a transaction pooler (PgBouncer): migrations (their
   * advisory lock) and LISTEN sessions use it. Unset: DATABASE_URL.
   */
  DATABASE_DIRECT_URL: optionalString().pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  ),
  /**
   * `transaction` when DATABASE_URL is PgBouncer in pool_mode=transaction (or another pooler
   * that shares server connections between transactions): no session state, the role and
   * statement timeout set in every transaction, named statements off unless asked for.
   */
  DATABASE_POOL_MODE: z.enum(['direct', 'transaction']).default('direct'),
  /**
   * Named (server-side prepared) statements on the hot paths. Default: on for direct, off for
   * transaction pooling (PgBouncer 1.21+ with max_prepared_statements > 0 can take them).
   */
  DATABASE_PREPARED_STATEMENTS: z.stringbool().optional(),
  REDIS_URL: optionalString().pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  ENGRAM_DATA_DIR: z.string().min(1).default('./data'),
  ENGRAM_ADMIN_TOKEN: optionalString().pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15000),
  /** How often the app analyzes tables that changed enough (it does not rely on autovacuum); 0: only after bulk writes. */
  DB_ANALYZE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  MIGRATE_ON_START: z.stringbool().default(true),
  PIN_VALUE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(256 * 1024),
  PIN_EXPIRY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  PIN_CLEANUP_BATCH_SIZE: z.coerce.number().int().min(1).max(50000).default(1000),
  AUDIT_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(200),
  AUDIT_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  /** How long a response waits for its audit events to be committed; 0 sends it without waiting. */
  AUDIT_ACK_TIMEOUT_MS: z.coerce.number().int().min(0).max(60000).default(2000),
  QUEUE_PREFIX: z.string().min(1).default('engram'),
  /** The RBAC policy (roles, rules, optional model); relative paths resolve from the working directory. */
  RBAC_POLICY_FILE: z.string().min(1).default('config/rbac-policies.json'),
  /**
   * The `rbac_enforce` feature flag's environment override. false is shadow mode: decisions are
   * evaluated, logged, audited and counted, never enforced. Unset: the flags file decides (default true).
   */
  RBAC_ENFORCE: z.stringbool().optional(),
  /** Share of allowed decisions written to rbac_audit (denials are always written). */
  RBAC_AUDIT_ALLOW_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.01),
  RBAC_WATCH: z.stringbool().default(true),
  RBAC_WATCH_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60000).default(200),
  /** The fallback when file events are missed (network mounts, some editors); 0 turns polling off. */
  RBAC_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** The platform's feature flags (docs/flags.md); relative paths resolve from the working directory. */
  FEATURE_FLAGS_FILE: z.string().min(1).default('config/feature-flags.json'),
  FLAGS_WATCH: z.stringbool().default(true),
  FLAGS_WATCH_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60000).default(200),
  /**
   * The fallback when file events are missed, and how often per-tenant overrides are re-read from
   * the database when an announcement is missed; 0 turns polling off.
   */
  FLAGS_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** Post-run update rules (docs/post-run-updates.md); relative paths resolve from the working directory. */
  MEMORY_UPDATE_RULES_FILE: z.string().min(1).default('config/memory-update-rules.json'),
  MEMORY_UPDATE_RULES_WATCH: z.stringbool().default(true),
  /** The fallback when file events are missed; 0 turns polling off. */
  MEMORY_UPDATE_RULES_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  /** A recorded run's inputs, outputs and metrics together, as JSON: larger is 413 run_too_large. */
  RUN_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 * 1024)
    .default(256 * 1024),
  /** Feature-flag overrides (libs/flags): unset leaves the flag to the flags file and its default. */
  MEMORY_PINS_ENABLED: z.stringbool().optional(),
  CHAOS_ALLOWED: z.stringbool().optional(),
  MEMORY_CONTEXT_INJECTION: z.stringbool().optional(),
  MEMORY_POST_UPDATE: z.stringbool().optional(),
  DRIFT_DETECTION_ENABLED: z.stringbool().optional(),
  MEMORY_FAIL_OPEN_OVERRIDE: z.stringbool().optional(),
  /**
   * Drift detection (libs/drift, docs/drift.md): a score at or above a threshold has that
   * severity (below DRIFT_THRESHOLD_LOW: none); LOW <= MEDIUM <= HIGH.
   */
  DRIFT_THRESHOLD_LOW: z.coerce.number().min(0).max(1).default(0.1),
  DRIFT_THRESHOLD_MEDIUM: z.coerce.number().min(0).max(1).default(0.3),
  DRIFT_THRESHOLD_HIGH: z.coerce.number().min(0).max(1).default(0.6),
  /** The components' weights in the score (a weighted mean; at least one must be above 0). */
  DRIFT_WEIGHT_STRUCTURAL: z.coerce.number().min(0).max(100).default(0.5),
  DRIFT_WEIGHT_TEXT: z.coerce.number().min(0).max(100).default(0.5),
  /** The model text fields are embedded with; unset: the default model new namespaces get. */
  DRIFT_EMBEDDING_MODEL: optionalString(),
  /** Largest baseline or augmented output (its JSON bytes); larger: 413 output_too_large. */
  DRIFT_MAX_OUTPUT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024)
    .default(256 * 1024),
  /** Deepest nesting of an output (the output object is 1); deeper: 400 output_too_deep. */
  DRIFT_MAX_DEPTH: z.coerce.number().int().min(1).max(60).default(32),
  /** Most changed text fields embedded for one comparison; more: 400 too_many_text_fields. */
  DRIFT_MAX_TEXT_FIELDS: z.coerce.number().int().min(1).max(1000).default(64),
  /** Most changed paths kept with a comparison (its diff); the counts always cover every path. */
  DRIFT_MAX_DIFF_ENTRIES: z.coerce.number().int().min(0).max(1000).default(100),
  /**
   * Workflow ids whose latest score drift_score_current{workflow_id} exports (comma-separated,
   * at most 50): an allow-list keeps the series bounded. Unset: the gauge has no series.
   */
  DRIFT_METRIC_WORKFLOWS: optionalString()
    .transform((v) =>
      v === undefined
        ? []
        : [
            ...new Set(
              v
                .split(',')
                .map((id) => id.trim())
                .filter(Boolean),
            ),
          ],
    )
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9:_\-./]{1,128}$/, 'workflow ids are 1..128 of A-Z a-z 0-9 : _ - . /'))
        .max(50),
    ),
  /** The role the app switches to on each connection so row-level security applies to it. */
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain role name')
    .default('engram_app'),
  /** X-Machine-Token value for the platform's machine callers (role machine). */
  MACHINE_SECRET_TOKEN: optionalString().pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics is open on a loopback HOST only. */
  METRICS_TOKEN: optionalString().pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  /**
   * How long the gauges read at scrape time from Postgres and the /ready checks (engram_ready,
   * engram_quota_*, memory_embeddings_pending, …) reuse their last reading; 0 reads on every scrape.
   */
  METRICS_DB_REFRESH_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * `engram worker` only: serve GET /metrics (and GET /health) on this port, so Prometheus can
   * scrape the job metrics of worker deployments (compose and Kubernetes use 9464). Unset: no
   * listener. `engram serve` ignores it: its worker shares the API's registry and /metrics.
   */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /**
   * Where the worker's metrics listener binds; unset: HOST. Beyond loopback it needs METRICS_TOKEN
   * (sent as `Authorization: Bearer`), and the worker refuses to start without one.
   */
  WORKER_METRICS_HOST: optionalString(),
  /** HS256 secret for JWTs (claims sub, tenant_id, role). */
  JWT_SECRET: optionalString().pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** How long a replica trusts its cached API key / tenant entries if an invalidation is missed. */
  AUTH_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often last_used_at of API keys is written (in one batch). */
  API_KEY_TOUCH_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Whether erasing a tenant also erases its audit rows (tables named *audit*). */
  TENANT_ERASE_AUDIT: z.stringbool().default(true),
  /** How often a worker erases every tenant still pending_deletion (a lost or failed erase job). */
  TENANT_ERASE_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  /** Per-key request limit; off makes the plan's requests_per_minute informational. */
  RATE_LIMIT_ENABLED: z.stringbool().default(true),
  /**
   * The sliding window requests_per_minute is counted over: a minute. Shorter only for tests,
   * where requests_per_minute then means requests per this window.
   */
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How long a request waits for the shared rate-limit count before its replica decides alone. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  MEMORY_CONTENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(64 * 1024),
  /**
   * The model new namespaces embed with: `minilm-l6-v2` (in-process sentence embedding; when it
   * cannot load here, `local-hash-384` with a warning), `local-hash-384`, or `openai:<model>`.
   */
  EMBEDDING_DEFAULT_MODEL: z.string().min(1).default('minilm-l6-v2'),
  /** Holds model.onnx and tokenizer.json for minilm-l6-v2; unset: the one `npm install` builds. */
  EMBEDDING_MINILM_DIR: optionalString(),
  /** onnxruntime threads for minilm-l6-v2, inside its worker thread. */
  EMBEDDING_MINILM_THREADS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * `int8` (default): the quantised copy npm install builds, ~2x faster, cosine >= 0.99 to `fp32`
   * (the reference conversion); both give the same vector space, so switching needs no re-embed.
   */
  EMBEDDING_MINILM_PRECISION: z.enum(['int8', 'fp32']).default('int8'),
  /** An OpenAI-compatible server's base URL (…/v1); its `/embeddings` endpoint is called. */
  EMBEDDING_OPENAI_URL: optionalString().pipe(z.url().optional()),
  EMBEDDING_OPENAI_MODEL: optionalString(),
  EMBEDDING_OPENAI_API_KEY: optionalString(),
  EMBEDDING_OPENAI_DIMENSIONS: z.coerce.number().int().min(1).max(16000).optional(),
  EMBEDDING_OPENAI_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(64),
  EMBEDDING_OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(300000).default(10000),
  EMBEDDING_OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /**
   * The OpenAI-compatible server POST /v1/chat/completions and GET /v1/models forward to, as a
   * base URL ending in /v1 (`/chat/completions` and `/models` are appended). Unset: both routes
   * answer 503 proxy_not_configured (docs/proxy.md).
   */
  PROXY_UPSTREAM_URL: optionalString().pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ),
  /** Sent upstream as `Authorization: Bearer …` unless the client sends its own upstream key. */
  PROXY_UPSTREAM_API_KEY: optionalString(),
  /** How long the upstream may take to answer (headers, a whole JSON body, or between two stream chunks). */
  PROXY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** How long the proxy waits for memory (context assembly) before forwarding without it (fail-open). */
  PROXY_MEMORY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(50),
  /** Where assembled context goes when the request does not say (X-Engram-Context-Position). */
  PROXY_CONTEXT_POSITION: z.enum(['system', 'first_user', 'before_last']).default('system'),
  /** Largest chat completion request body the proxy accepts (413 proxy_body_too_large above it). */
  PROXY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(8 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /**
   * Fact extraction by an OpenAI-compatible chat endpoint (…/v1; `/chat/completions` is called).
   * Unset: the offline extractor (docs/conversations.md says what it catches).
   */
  EXTRACTION_LLM_URL: optionalString().pipe(z.url().optional()),
  EXTRACTION_LLM_MODEL: z.string().min(1).max(256).default('gpt-4o-mini'),
  EXTRACTION_LLM_API_KEY: optionalString(),
  EXTRACTION_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  EXTRACTION_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Below this many vectors in the searched scope an exact scan beats HNSW with a tenant filter. */
  SEARCH_EXACT_SCAN_MAX_ROWS: z.coerce.number().int().min(0).default(5000),
  /** How long a query's vector is reused for the same tenant, model and text (0: never). */
  QUERY_EMBEDDING_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  QUERY_EMBEDDING_CACHE_MAX_ENTRIES: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  SEARCH_HNSW_EF_SEARCH: z.coerce.number().int().min(10).max(1000).default(100),
  /**
   * Most index tuples one HNSW iterative scan may visit. A tenant that is a small share of a
   * shared index, asked about something the index holds little of, otherwise walks up to
   * pgvector's default 20,000 (~100 ms at 1M vectors here) for a handful of rows; capped, it
   * gets fewer vector candidates and the lexical stage still answers. bench/README "context".
   */
  SEARCH_HNSW_MAX_SCAN_TUPLES: z.coerce.number().int().min(100).max(1_000_000).default(5000),
  SEARCH_RECENCY_HALF_LIFE_HOURS: z.coerce.number().positive().default(168),
  /**
   * How often a worker embeds memories still pending a vector this long after their last write:
   * their job was never queued (Redis down at the write) or Redis lost it (FLUSHALL, a restart).
   */
  EMBEDDING_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  MEMORY_EXPIRY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(60),
  MEMORY_ACCESS_FLUSH_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(500),
  /**
   * The read cache of pins and assembled contexts (docs/cache.md): in Redis when REDIS_URL is
   * set, in this process otherwise. Off by default: a cached context is a snapshot (recency decay
   * and access counts stand still for its TTL), and in-process mode cannot see another process's
   * writes (a CLI import, a second replica without Redis) before its TTL.
   */
  MEMORY_CACHE_ENABLED: z.stringbool().default(false),
  /** The longest an entry lives; a pin's or memory's expiry inside it shortens it. */
  MEMORY_CACHE_TTL_MS: z.coerce.number().int().min(100).max(300_000).default(5000),
  /** In-process mode: the bound of the cache's entries, in bytes of their JSON. */
  MEMORY_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(4 * 1024 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** In-process mode: the bound of the cache's entry count. */
  MEMORY_CACHE_MAX_ENTRIES: z.coerce.number().int().min(16).max(10_000_000).default(10_000),
  /** Larger values are not cached (either mode), so one big context cannot evict everything. */
  MEMORY_CACHE_MAX_ENTRY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(256 * 1024),
  /** How long a cache command to Redis may take before the read goes to Postgres. */
  MEMORY_CACHE_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(100),
  /**
   * Where spans go (OTLP over HTTP; `/v1/traces` is appended). Unset: tracing is off, no
   * exporter exists and the OpenTelemetry SDK is not even loaded (docs/tracing.md).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString().pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ),
  /** The service name on every span; unset: `engram-api` (serve, api) or `engram-worker`. */
  OTEL_SERVICE_NAME: optionalString(),
  /** Share of new traces sampled (parent-based: a sampled caller's trace is always continued). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** The tenant on spans: a keyed hash (default), the id itself, or nothing. */
  ENGRAM_TRACE_TENANT: z.enum(['hashed', 'plain', 'off']).default('hashed'),
  /** The key of that hash; unset: a random key per process (hashes then differ between processes). */
  ENGRAM_TRACE_TENANT_KEY: optionalString().pipe(z.string().min(16, 'must be at least 16 characters').optional()),
});

export type EngramConfig = z.infer<typeof configSchema>;

export class ConfigValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Parses the environment, listing every bad key at once rather than the first. */
export function parseConfig(env: Record<string, string | undefined> = process.env): EngramConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigValidationError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const pooled = result.data.DATABASE_POOL_MODE === 'transaction';
  if (pooled && (result.data.DATABASE_URL === undefined || result.data.DATABASE_DIRECT_URL === undefined)) {
    // A transaction pooler cannot hold a LISTEN or a session advisory lock: they need Postgres itself.
    throw new ConfigValidationError([
      'DATABASE_POOL_MODE: transaction needs DATABASE_URL (the pooler) and DATABASE_DIRECT_URL (Postgres itself, for LISTEN and migrations)',
    ]);
  }
  const { DRIFT_THRESHOLD_LOW: low, DRIFT_THRESHOLD_MEDIUM: medium, DRIFT_THRESHOLD_HIGH: high } = result.data;
  const drift: string[] = [];
  if (!(low <= medium && medium <= high)) {
    drift.push(`DRIFT_THRESHOLD_LOW/MEDIUM/HIGH: must be in order (low ${low} <= medium ${medium} <= high ${high})`);
  }
  if (result.data.DRIFT_WEIGHT_STRUCTURAL + result.data.DRIFT_WEIGHT_TEXT <= 0) {
    drift.push('DRIFT_WEIGHT_STRUCTURAL/DRIFT_WEIGHT_TEXT: at least one must be above 0');
  }
  if (drift.length > 0) {
    throw new ConfigValidationError(drift);
  }
  return result.data;
}

/** True when the server would be reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
