// Generated from openapi.json by packages/sdk/codegen/generate.ts (openapi-typescript): do not edit.
// Regenerate with UPDATE_SDK_TYPES=1 on packages/sdk/src/openapi.spec.ts.

/** Any JSON value: components.schemas.JsonValue, as a named alias (a recursive member of an interface does not compile). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface paths {
    "/api/v1/admin/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tenants in id order, filtered by status and plan, in cursor pages */
        get: operations["TenantsController_list"];
        put?: never;
        /** Create a tenant (409 tenant_exists) */
        post: operations["TenantsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a tenant with its effective quotas */
        get: operations["TenantsController_get"];
        put?: never;
        post?: never;
        /** Delete a tenant: keys revoked now, data erased by a job (202) */
        delete: operations["TenantsController_delete"];
        options?: never;
        head?: never;
        /** Rename, change plan, or override quotas (null removes an override) */
        patch: operations["TenantsController_update"];
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/activate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Re-activate a suspended tenant */
        post: operations["TenantsController_activate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a tenant's API keys (never the raw keys) */
        get: operations["ApiKeysController_list"];
        put?: never;
        /** Create an API key; the raw key is in `key`, shown this once */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key, on every replica at once */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant's effective feature flags, with its overrides */
        get: operations["TenantFlagsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/flags/{flag}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Override a flag for one tenant (above the environment, the file and the default) */
        put: operations["TenantFlagsController_set"];
        post?: never;
        /** Remove a tenant's override of a flag (idempotent): it falls back to env, file, default */
        delete: operations["TenantFlagsController_clear"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/suspend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Suspend a tenant: its data routes answer 403 tenant_suspended */
        post: operations["TenantsController_suspend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/tenants/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Usage counters and effective quotas */
        get: operations["TenantsController_usage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/context": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The best memories and pins for a query, packed under a token budget in critical, middle and recency zones */
        post: operations["ContextController_assemble"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Store a chat exchange: each message an episodic memory of its session, all or nothing; a retry stores nothing twice (201; 200 when every message was already stored) */
        post: operations["ConversationsController_ingest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/conversations/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A session's messages, oldest first, in cursor pages */
        get: operations["ConversationsController_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/comparisons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workflow's comparisons, newest first, in cursor pages */
        get: operations["DriftController_list"];
        put?: never;
        /** Score and store how far a memory-augmented run drifted from its baseline */
        post: operations["DriftController_compare"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/comparisons/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one comparison */
        get: operations["DriftController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/drift/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workflow's comparisons in numbers: by severity, mean and highest score, latest */
        get: operations["DriftController_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/extractions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Extract facts from stored messages, in a job (202; poll GET /api/v1/jobs/{id}) */
        post: operations["ExtractionController_request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every feature flag's effective value for the caller's tenant, where each came from, and the file loaded */
        get: operations["FlagsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/flags/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reload the feature flags file now and announce it to every replica */
        post: operations["FlagsController_reload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a job: where an extraction stands and what it decided */
        get: operations["ExtractionController_job"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List memories, newest first, with filters and cursor pages */
        get: operations["MemoriesController_list"];
        put?: never;
        /** Store a memory (201; 200 with duplicate: true when the namespace already holds this content) */
        post: operations["MemoriesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one memory */
        get: operations["MemoriesController_get"];
        put?: never;
        post?: never;
        /** Hard-delete a memory with its vectors and relations */
        delete: operations["MemoriesController_delete"];
        options?: never;
        head?: never;
        /** Change a memory; new content is re-embedded */
        patch: operations["MemoriesController_update"];
        trace?: never;
    };
    "/api/v1/memories/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every version of a memory: content, who, when and why, oldest first */
        get: operations["MemoriesController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/{id}/related": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Memories reachable through relations, by depth and relation type */
        get: operations["MemoriesController_related"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/{id}/relations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add typed edges from this memory */
        post: operations["MemoriesController_relate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/{id}/supersede": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Supersede a memory: create its successor in the same namespace and mark it superseded, atomically (201) */
        post: operations["MemoriesController_supersede"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Store up to 1000 memories, all or nothing (201; 200 when every one was a duplicate) */
        post: operations["MemoriesController_createBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memories/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hybrid search: full text and vectors fused with recency, importance, access and relations */
        post: operations["SearchController_run"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory/pins": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List live pins in key order, with a prefix filter and cursor pages */
        get: operations["PinsController_list"];
        put?: never;
        /** Create or replace a pin (201 created, 200 replaced) */
        post: operations["PinsController_upsert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory/pins/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read one live pin */
        get: operations["PinsController_get"];
        put?: never;
        post?: never;
        /** Delete one pin (404 if absent or expired) */
        delete: operations["PinsController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/memory/pins/cleanup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Delete expired pins (one tenant, or all); dry_run only counts them */
        post: operations["PinsController_cleanup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/namespaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List namespaces */
        get: operations["NamespacesController_list"];
        put?: never;
        /** Create a namespace (409 if it exists) */
        post: operations["NamespacesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/namespaces/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a namespace */
        get: operations["NamespacesController_get"];
        put?: never;
        post?: never;
        /** Delete a namespace and every memory in it */
        delete: operations["NamespacesController_delete"];
        options?: never;
        head?: never;
        /** Change a namespace; a new embedding_model re-embeds it in the background */
        patch: operations["NamespacesController_update"];
        trace?: never;
    };
    "/api/v1/rbac/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Audited RBAC decisions of one tenant, newest first, with filters and cursor pages */
        get: operations["RbacController_audit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/info": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The loaded policy: version, hash, enforce mode, load time, rule count */
        get: operations["RbacController_info"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/matrix": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What each role may do: role → resource → actions, inheritance applied */
        get: operations["RbacController_matrix"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rbac/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reload the policy file now and announce it to every replica */
        post: operations["RbacController_reload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List recorded runs, newest first, by workflow and status, in cursor pages */
        get: operations["RunsController_list"];
        put?: never;
        /** Record a finished workflow run (201 recorded, 200 the same run again); queues its post-run updates */
        post: operations["RunsController_record"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a recorded run and the update rules applied to it */
        get: operations["RunsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/{run_id}/dry-run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What the update rules in force would change for a recorded run (nothing is written) */
        post: operations["RunsController_dryRunRecorded"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/runs/dry-run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What the update rules would change for this run (nothing is recorded or written) */
        post: operations["RunsController_dryRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/update-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The post-run update rules in force: version, hash, rule ids */
        get: operations["RunsController_info"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/update-rules/reload": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reload the update-rules file now; a file that does not load changes nothing (422) */
        post: operations["RunsController_reload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: Postgres and the queue answer (503 with the failing check otherwise) */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** OpenAI-compatible chat completion through the upstream, with assembled context injected and the exchange stored */
        post: operations["ProxyController_chatCompletions"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The upstream's model list (GET /models), passed through */
        get: operations["ProxyController_models"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiKey: {
            /** @description the agent this key is bound to; null: any */
            agent_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            /** @description the first characters of the key, enough to recognise it, never to use it */
            key_prefix: string;
            /** Format: date-time */
            last_used_at: string | null;
            name: string;
            /** Format: date-time */
            revoked_at: string | null;
            role: string;
            /** @description null: the role's permissions, unnarrowed */
            scopes: string[] | null;
            tenant_id: string;
            /** @description the user this key is bound to; null: any */
            user_id: string | null;
        };
        ApiKeyList: {
            /** @description never the raw keys */
            api_keys: components["schemas"]["ApiKey"][];
        };
        AssembledContext: {
            /** @description in the order of text */
            blocks: components["schemas"]["ContextBlock"][];
            /** @description memories and pins that were candidates */
            considered: number;
            /**
             * @description present only on a fail-open answer: the context is empty because its sources could not be read
             * @enum {boolean}
             */
            degraded?: true;
            /**
             * @description with degraded: database_unavailable, or cache_and_database_unavailable when the cache failed too
             * @enum {string}
             */
            degraded_reason?: "database_unavailable" | "cache_and_database_unavailable";
            /** @enum {string} */
            format: "xml" | "markdown" | "json";
            skipped: {
                /** Format: uuid */
                memory_id: string | null;
                pin_key?: string;
                /** @enum {string} */
                reason: "budget";
            }[];
            /** @description the blocks rendered for a prompt, framed as data */
            text: string;
            tokens_used: number;
            zones: {
                critical: {
                    budget: number;
                    used: number;
                };
                middle: {
                    budget: number;
                    used: number;
                };
                recency: {
                    budget: number;
                    used: number;
                };
            };
        };
        ChatCompletion: {
            choices?: {
                [key: string]: unknown;
            }[];
            id?: string;
            model?: string;
            /** @description chat.completion */
            object?: string;
            usage?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        ContextBlock: {
            content: string;
            /**
             * Format: uuid
             * @description null for a pin
             */
            memory_id: string | null;
            /** @description for a pin */
            pin_key?: string;
            /** @description for a memory: the [n] that marks it in text */
            ref?: number;
            score: number;
            /**
             * Format: uuid
             * @description for a superseded memory (only with include_superseded): its successor
             */
            superseded_by?: string | null;
            /**
             * Format: uuid
             * @description for a memory that superseded another: that one
             */
            supersedes?: string | null;
            tokens: number;
            /** @enum {string} */
            zone: "critical" | "middle" | "recency";
        };
        /** @description a session's messages, oldest first */
        Conversation: {
            has_more: boolean;
            memories: components["schemas"]["Memory"][];
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
            session_id: string;
        };
        CreatedApiKey: {
            /** @description the agent this key is bound to; null: any */
            agent_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            /** @description the raw key: shown once, stored only as its SHA-256 */
            key: string;
            /** @description the first characters of the key, enough to recognise it, never to use it */
            key_prefix: string;
            /** Format: date-time */
            last_used_at: string | null;
            name: string;
            /** Format: date-time */
            revoked_at: string | null;
            role: string;
            /** @description null: the role's permissions, unnarrowed */
            scopes: string[] | null;
            tenant_id: string;
            /** @description the user this key is bound to; null: any */
            user_id: string | null;
        };
        CreatedMemory: {
            access_count: number;
            agent_id: string | null;
            content: string;
            /** Format: date-time */
            created_at: string;
            /** @description true: the same content already existed in the namespace; this is that memory */
            duplicate: boolean;
            /**
             * @description searchable by text at once, by meaning once ready; failed after the last retry
             * @enum {string}
             */
            embedding_status: "pending" | "ready" | "failed";
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            importance: number;
            /** Format: date-time */
            last_accessed_at: string | null;
            metadata: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            namespace: string;
            /**
             * Format: date-time
             * @description when the event happened (created_at unless given)
             */
            occurred_at: string;
            provenance: components["schemas"]["Provenance"];
            session_id: string | null;
            /**
             * @description superseded memories are left out of search, context and list by default
             * @enum {string}
             */
            state: "active" | "superseded";
            /** Format: date-time */
            superseded_at: string | null;
            /**
             * Format: uuid
             * @description the memory that superseded this one (null once that one is deleted)
             */
            superseded_by: string | null;
            /**
             * Format: uuid
             * @description the memory this one superseded
             */
            supersedes: string | null;
            tags: string[];
            tenant_id: string;
            /** @enum {string} */
            type: "semantic" | "episodic" | "working" | "procedural";
            /** Format: date-time */
            updated_at: string;
            user_id: string | null;
        };
        DriftComparison: {
            augmented: {
                /** @description SHA-256 of the output as canonical JSON (keys sorted) */
                hash: string;
                metadata: {
                    [key: string]: components["schemas"]["JsonValue"];
                } | null;
                run_id: string | null;
            };
            baseline: {
                /** @description SHA-256 of the output as canonical JSON (keys sorted) */
                hash: string;
                metadata: {
                    [key: string]: components["schemas"]["JsonValue"];
                } | null;
                run_id: string | null;
            };
            components: {
                /** @description changed paths / all paths */
                structural: number;
                /** @description mean 1 − cosine over shared text fields; null without any */
                text: number | null;
            };
            /** Format: date-time */
            created_at: string;
            /** @description changed paths in path order, at most DRIFT_MAX_DIFF_ENTRIES */
            diff: components["schemas"]["DriftDiffEntry"][];
            diff_truncated: boolean;
            /** @description null when no text field changed */
            embedding_model: string | null;
            /** Format: uuid */
            id: string;
            paths: {
                added: number;
                removed: number;
                text: number;
                text_changed: number;
                total: number;
                type_changed: number;
                value_changed: number;
            };
            run_id: string | null;
            /** @description 0 (same) … 1 (nothing alike); docs/drift.md */
            score: number;
            /** @enum {string} */
            severity: "none" | "low" | "medium" | "high";
            tenant_id: string;
            thresholds: {
                high: number;
                low: number;
                medium: number;
            };
            weights: {
                structural: number;
                text: number;
            };
            workflow_id: string;
        };
        DriftComparisonList: {
            /** @description newest first */
            comparisons: components["schemas"]["DriftComparison"][];
            has_more: boolean;
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
        };
        DriftDiffEntry: {
            /** @description numbers, booleans and null only */
            augmented?: number | boolean | (null);
            /** @enum {string} */
            augmented_type?: "object" | "array" | "string" | "number" | "boolean" | "null";
            /** @description numbers, booleans and null only */
            baseline?: number | boolean | (null);
            /** @enum {string} */
            baseline_type?: "object" | "array" | "string" | "number" | "boolean" | "null";
            /** @enum {string} */
            change: "added" | "removed" | "type_changed" | "value_changed" | "text_changed";
            /** @description text_changed: 1 − cosine similarity */
            distance?: number;
            /** @description $.a.b[0]; keys that are not identifiers as $["a b"] */
            path: string;
        };
        DriftSummary: {
            by_severity: {
                high: number;
                low: number;
                medium: number;
                none: number;
            };
            comparisons: number;
            latest: {
                /** Format: date-time */
                created_at: string;
                /** Format: uuid */
                id: string;
                score: number;
                /** @enum {string} */
                severity: "none" | "low" | "medium" | "high";
            } | null;
            max_score: number | null;
            /** @description null without comparisons */
            mean_score: number | null;
            workflow_id: string;
        };
        DryRunRule: {
            actions: components["schemas"]["PlannedAction"][];
            /** @description the rule was applied to this recorded run before: it would not apply again */
            already_applied: boolean;
            /** @description why the rule would fail as a whole (nothing of it applied) */
            error: {
                code: string;
                message: string;
            } | null;
            matched: boolean;
            rule_id: string;
        };
        EffectiveFeatureFlag: {
            enabled: boolean;
            /**
             * @description where the value came from: tenant > env > file > default
             * @enum {string}
             */
            source: "default" | "file" | "env" | "tenant";
            /** @description this tenant's override, if it has one */
            tenant_override: {
                enabled: boolean;
                /** Format: date-time */
                updated_at: string;
                updated_by: string;
            } | null;
        };
        Error: {
            error: {
                /** @description stable, for clients to match; docs/errors.md lists them */
                code: string;
                details?: {
                    [key: string]: unknown;
                };
                /** @description for humans; may change */
                message: string;
            };
            request_id: string;
        };
        ExtractionDecision: {
            /** @enum {string} */
            action: "add" | "update" | "supersede" | "none";
            /** @description the slot the fact fills (user.location), if it fills one */
            key: string | null;
            /** @enum {string} */
            kind: "fact" | "preference" | "plan";
            /**
             * Format: uuid
             * @description the memory written (add, update, supersede) or matched (none)
             */
            memory_id: string | null;
        };
        ExtractionJob: {
            attempts: number;
            /** Format: date-time */
            created_at: string;
            /** @description one per extracted fact, once succeeded */
            decisions: components["schemas"]["ExtractionDecision"][];
            /** @description why the last attempt failed; on a queued job, the next attempt is pending */
            error: {
                code: string;
                message: string;
            } | null;
            /** @enum {string} */
            extractor: "llm" | "offline";
            /** Format: date-time */
            finished_at: string | null;
            /** Format: uuid */
            id: string;
            message_ids: string[];
            namespace: string;
            /** @enum {string} */
            status: "queued" | "running" | "succeeded" | "failed";
            /** @enum {string} */
            type: "extraction";
            /** Format: date-time */
            updated_at: string;
        };
        FeatureFlags: {
            file: components["schemas"]["FeatureFlagsFile"];
            flags: {
                [key: string]: components["schemas"]["EffectiveFeatureFlag"];
            };
            /** @description null: the platform values, no tenant override applied */
            tenant_id: string | null;
        };
        FeatureFlagsFile: {
            /**
             * @description how a reload reaches the other replicas
             * @enum {string}
             */
            broadcast: "redis" | "postgres" | "none";
            /** @description SHA-256 of the file, first 16 hex digits */
            hash: string;
            /** Format: date-time */
            loaded_at: string;
            path: string;
            version: string;
        };
        FeatureFlagsReload: {
            /** @description false: the file was already loaded */
            changed: boolean;
            file: components["schemas"]["FeatureFlagsFile"];
        };
        IngestedConversation: {
            created: number;
            duplicates: number;
            extraction: {
                /**
                 * Format: uuid
                 * @description when queued: GET /api/v1/jobs/{id}
                 */
                job_id?: string;
                /**
                 * @description not_requested: extract was not true; queued: a job extracts facts from the new messages; nothing_new: every message was stored before (a retry), nothing is queued
                 * @enum {string}
                 */
                status: "not_requested" | "queued" | "nothing_new";
            };
            /** @description in request order */
            messages: components["schemas"]["IngestedMessage"][];
            namespace: string;
            session_id: string;
        };
        IngestedMessage: {
            /** @description true: stored by an earlier request (a retry); this is that memory */
            duplicate: boolean;
            /**
             * Format: uuid
             * @description the memory that holds the message
             */
            id: string;
            /** @description its position in the session */
            index: number;
            /** @enum {string} */
            role: "system" | "user" | "assistant" | "tool";
        };
        JsonValue: JsonValue;
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        Memory: {
            access_count: number;
            agent_id: string | null;
            content: string;
            /** Format: date-time */
            created_at: string;
            /**
             * @description searchable by text at once, by meaning once ready; failed after the last retry
             * @enum {string}
             */
            embedding_status: "pending" | "ready" | "failed";
            /** Format: date-time */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            importance: number;
            /** Format: date-time */
            last_accessed_at: string | null;
            metadata: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            namespace: string;
            /**
             * Format: date-time
             * @description when the event happened (created_at unless given)
             */
            occurred_at: string;
            provenance: components["schemas"]["Provenance"];
            session_id: string | null;
            /**
             * @description superseded memories are left out of search, context and list by default
             * @enum {string}
             */
            state: "active" | "superseded";
            /** Format: date-time */
            superseded_at: string | null;
            /**
             * Format: uuid
             * @description the memory that superseded this one (null once that one is deleted)
             */
            superseded_by: string | null;
            /**
             * Format: uuid
             * @description the memory this one superseded
             */
            supersedes: string | null;
            tags: string[];
            tenant_id: string;
            /** @enum {string} */
            type: "semantic" | "episodic" | "working" | "procedural";
            /** Format: date-time */
            updated_at: string;
            user_id: string | null;
        };
        MemoryBatchResult: {
            created: number;
            duplicates: number;
            /** @description in request order */
            memories: components["schemas"]["CreatedMemory"][];
        };
        MemoryHistory: {
            /** Format: uuid */
            memory_id: string;
            /** @description oldest first */
            versions: components["schemas"]["MemoryVersion"][];
        };
        MemoryList: {
            has_more: boolean;
            memories: components["schemas"]["Memory"][];
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
        };
        MemoryVersion: {
            actor: string | null;
            /**
             * Format: date-time
             * @description when this version became the memory
             */
            at: string;
            /**
             * @description create; update (PATCH, or another feature changing it); superseded; baseline (stored before versions were kept); import
             * @enum {string}
             */
            change: "create" | "update" | "superseded" | "baseline" | "import";
            content: string;
            /** Format: date-time */
            expires_at: string | null;
            importance: number;
            key_id: string | null;
            metadata: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            namespace: string;
            /** @description api, extraction, rule, import, … */
            reason: string;
            source: string | null;
            /** @enum {string} */
            state: "active" | "superseded";
            /** Format: uuid */
            superseded_by: string | null;
            /** Format: uuid */
            supersedes: string | null;
            tags: string[];
            /** @enum {string} */
            type: "semantic" | "episodic" | "working" | "procedural";
            /** @description 1 for the first */
            version: number;
        };
        ModelList: {
            data?: ({
                id?: string;
            } & {
                [key: string]: unknown;
            })[];
            /** @description list */
            object?: string;
        } & {
            [key: string]: unknown;
        };
        Namespace: {
            /** Format: date-time */
            created_at: string;
            default_token_budget: number;
            description: string | null;
            embedding_model: string;
            /** Format: uuid */
            id: string;
            memory_count: number;
            name: string;
            /** @description set while a re-embed to another model runs */
            pending_embedding_model: string | null;
            retention_days: number | null;
            tenant_id: string;
            /** Format: date-time */
            updated_at: string;
        };
        NamespaceList: {
            /** @description by name */
            namespaces: components["schemas"]["Namespace"][];
        };
        Pin: {
            /** Format: date-time */
            created_at: string;
            /**
             * Format: date-time
             * @description null: never expires
             */
            expires_at: string | null;
            /** Format: uuid */
            id: string;
            key: string;
            source: string | null;
            tenant_id: string;
            /** Format: date-time */
            updated_at: string;
            value: components["schemas"]["JsonValue"];
        };
        PinCleanup: {
            deleted: number;
            /** @enum {boolean} */
            dry_run: false;
            tenant_id: string | null;
        } | {
            /** @enum {number} */
            deleted: 0;
            /** @enum {boolean} */
            dry_run: true;
            tenant_id: string | null;
            would_delete: number;
        };
        PinList: {
            has_more: boolean;
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
            pins: components["schemas"]["Pin"][];
            /** @description live pins matching the prefix, on every page */
            total: number;
        };
        PlannedAction: {
            /** @description the action with its templates filled in */
            detail: {
                [key: string]: components["schemas"]["JsonValue"];
            };
            /** @description memories the action would change (filter actions) */
            memory_ids?: string[];
            type: string;
        };
        PolicyInfo: {
            /**
             * @description how a reload reaches the other replicas
             * @enum {string}
             */
            broadcast: "redis" | "postgres" | "none";
            /** @enum {string} */
            enforce_mode: "enforce" | "shadow";
            file: string;
            /** @description SHA-256 of the policy file */
            hash: string;
            inheritance_count: number;
            /** Format: date-time */
            loaded_at: string;
            rule_count: number;
            version: string;
        };
        PolicyMatrix: {
            actions: string[];
            hash: string;
            /** @description role → resource → the actions it may take */
            matrix: {
                [key: string]: {
                    [key: string]: string[];
                };
            };
            resources: string[];
            roles: string[];
            version: string;
        };
        PolicyReload: {
            /** @description false: the file was already loaded */
            changed: boolean;
            info: components["schemas"]["PolicyInfo"];
        };
        Provenance: {
            /** @description who wrote it: the credential's actor */
            actor: string | null;
            /** @description the id of the API key that wrote it, if one did */
            created_by_key: string | null;
            source: string | null;
        };
        Quotas: {
            max_memories: number;
            max_pins: number;
            requests_per_minute: number;
            storage_bytes: number;
        };
        RbacDecision: {
            action: string;
            actor: string;
            /** @enum {string} */
            decision: "allow" | "deny";
            /** @description false in shadow mode: the decision was recorded, not applied */
            enforced: boolean;
            /** Format: uuid */
            id: string;
            reason: string;
            request_id: string | null;
            resource: string;
            role: string;
            tenant_id: string;
            /** Format: date-time */
            ts: string;
        };
        RbacDecisionList: {
            /** @description newest first */
            decisions: components["schemas"]["RbacDecision"][];
            has_more: boolean;
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
        };
        Readiness: {
            details: {
                [key: string]: {
                    /** @enum {string} */
                    status: "up" | "down";
                } & {
                    [key: string]: unknown;
                };
            };
            error?: {
                [key: string]: {
                    /** @enum {string} */
                    status: "up" | "down";
                } & {
                    [key: string]: unknown;
                };
            };
            info?: {
                [key: string]: {
                    /** @enum {string} */
                    status: "up" | "down";
                } & {
                    [key: string]: unknown;
                };
            };
            /** @enum {string} */
            status: "ok" | "error" | "shutting_down";
        };
        RecordedRun: {
            duration_ms: number;
            /** Format: date-time */
            finished_at: string;
            inputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            metrics: {
                [key: string]: number;
            } | null;
            outputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            /**
             * @description queued: the memory.post-update job was queued; disabled: the memory_post_update flag is off; not_queued: the queue could not be reached (send the same run again)
             * @enum {string}
             */
            post_update: "queued" | "disabled" | "not_queued";
            /** Format: date-time */
            recorded_at: string;
            run_id: string;
            /** Format: date-time */
            started_at: string;
            /** @enum {string} */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            tenant_id: string;
            workflow_id: string;
        };
        RelatedMemories: {
            /** @description nearest first */
            related: components["schemas"]["RelatedMemory"][];
        };
        RelatedMemory: {
            depth: number;
            memory: components["schemas"]["Memory"];
            relation: string;
            weight: number;
        };
        RuleApplication: {
            /** Format: date-time */
            applied_at: string;
            /** @description what the rule wrote: pin keys and ids, memory ids */
            changes: {
                [key: string]: components["schemas"]["JsonValue"];
            }[];
            error: {
                code: string;
                message: string;
            } | null;
            rule_id: string;
            rules_hash: string;
            rules_version: string;
            /** @enum {string} */
            status: "applied" | "failed";
        };
        Run: {
            duration_ms: number;
            /** Format: date-time */
            finished_at: string;
            inputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            metrics: {
                [key: string]: number;
            } | null;
            outputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            /** Format: date-time */
            recorded_at: string;
            run_id: string;
            /** Format: date-time */
            started_at: string;
            /** @enum {string} */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            tenant_id: string;
            workflow_id: string;
        };
        RunDetail: {
            /** @description update rules applied to this run (or failed), by rule id */
            applications: components["schemas"]["RuleApplication"][];
            duration_ms: number;
            /** Format: date-time */
            finished_at: string;
            inputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            metrics: {
                [key: string]: number;
            } | null;
            outputs: {
                [key: string]: components["schemas"]["JsonValue"];
            } | null;
            /** Format: date-time */
            recorded_at: string;
            run_id: string;
            /** Format: date-time */
            started_at: string;
            /** @enum {string} */
            status: "succeeded" | "failed" | "cancelled" | "timed_out";
            tenant_id: string;
            workflow_id: string;
        };
        RunDryRun: {
            /** @description memory_post_update for this tenant: off, recording a run changes nothing */
            flag_enabled: boolean;
            /** @description in the order they apply; rules a stop rule cuts off are left out */
            rules: components["schemas"]["DryRunRule"][];
            rules_hash: string;
            rules_version: string;
            run_id: string;
        };
        RunList: {
            has_more: boolean;
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
            /** @description newest first */
            runs: components["schemas"]["Run"][];
        };
        ScoreComponents: {
            access: number;
            importance: number;
            /** @description BM25; null when the memory was not a text hit */
            lexical: number | null;
            lexical_rank: number | null;
            recency: number;
            relation: number;
            /** @description the fused text and vector relevance */
            relevance: number;
            /** @description cosine similarity; null when the memory was not a vector hit */
            vector: number | null;
            vector_rank: number | null;
        };
        SearchResult: {
            /** @description with explain: true */
            components?: components["schemas"]["ScoreComponents"];
            memory: components["schemas"]["Memory"];
            score: number;
        };
        SearchResults: {
            /** @description how text and vector relevance were combined */
            fusion: string;
            /** @description the vector stage was skipped (query embedding failed or no namespace has vectors) */
            lexical_only: boolean;
            /** @description best first */
            results: components["schemas"]["SearchResult"][];
            /** @description with relative_time: true, the occurred_at window the query named (null: none found or not asked) */
            time_window: {
                /** @description inclusive start (ISO 8601) */
                after: string;
                /** @description exclusive end (ISO 8601) */
                before: string;
                /** @description the phrase found in the query */
                phrase: string;
            } | null;
        };
        SupersedeResult: {
            /** @description the new, active memory (supersedes names the old one) */
            memory: components["schemas"]["Memory"];
            /** @description the old memory, now superseded (superseded_by names the new one) */
            superseded: components["schemas"]["Memory"];
        };
        Tenant: {
            /** Format: date-time */
            created_at: string;
            id: string;
            name: string;
            /** @enum {string} */
            plan: "free" | "standard" | "premium";
            quota_overrides: {
                max_memories?: number;
                max_pins?: number;
                requests_per_minute?: number;
                storage_bytes?: number;
            };
            /** @description effective quotas: the plan's, with this tenant's overrides applied */
            quotas: components["schemas"]["Quotas"];
            /** @enum {string} */
            status: "active" | "suspended" | "pending_deletion";
            /** Format: date-time */
            updated_at: string;
        };
        TenantList: {
            has_more: boolean;
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
            tenants: components["schemas"]["Tenant"][];
        };
        TenantUsage: {
            /** @enum {string} */
            plan: "free" | "standard" | "premium";
            quotas: components["schemas"]["Quotas"];
            tenant_id: string;
            usage: {
                memories: number;
                pins: number;
                storage_bytes: number;
            };
        };
        UpdateRulesInfo: {
            file: string;
            hash: string;
            /** Format: date-time */
            loaded_at: string;
            rule_count: number;
            /** @description in the order they apply */
            rule_ids: string[];
            version: string;
        };
        UpdateRulesReload: {
            changed: boolean;
            info: components["schemas"]["UpdateRulesInfo"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    TenantsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                plan?: "free" | "standard" | "premium";
                status?: "active" | "suspended" | "pending_deletion";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of tenants */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantList"];
                };
            };
            /** @description invalid_<field>, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    name: string;
                    /**
                     * @default standard
                     * @enum {string}
                     */
                    plan?: "free" | "standard" | "premium";
                    quotas?: {
                        max_memories?: number | null;
                        max_pins?: number | null;
                        requests_per_minute?: number | null;
                        storage_bytes?: number | null;
                    };
                };
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description pending_deletion: keys revoked, data erased by a job */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_protected */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    plan?: "free" | "standard" | "premium";
                    quotas?: {
                        max_memories?: number | null;
                        max_pins?: number | null;
                        requests_per_minute?: number | null;
                        storage_bytes?: number | null;
                    };
                };
            };
        };
        responses: {
            /** @description the changed tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_activate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description active */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_state_conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the tenant's keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_id?: string;
                    /** Format: date-time */
                    expires_at?: string;
                    name: string;
                    /** @enum {string} */
                    role: "infra" | "admin" | "machine" | "agent" | "dev" | "readonly";
                    scopes?: string[];
                    user_id?: string;
                };
            };
        };
        responses: {
            /** @description created; `key` is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description invalid_<field>, invalid_role */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found, api_key_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantFlagsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the tenant's effective flags */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeatureFlags"];
                };
            };
            /** @description invalid_tenant_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantFlagsController_set: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flag: "memory_pins_enabled" | "rbac_enforce" | "chaos_allowed" | "memory_context_injection" | "memory_post_update" | "drift_detection_enabled" | "memory_fail_open_override";
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    enabled: boolean;
                };
            };
        };
        responses: {
            /** @description the tenant's effective flags after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeatureFlags"];
                };
            };
            /** @description invalid_tenant_id, invalid_enabled, missing_enabled */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found, feature_flag_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantFlagsController_clear: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                flag: "memory_pins_enabled" | "rbac_enforce" | "chaos_allowed" | "memory_context_injection" | "memory_post_update" | "drift_detection_enabled" | "memory_fail_open_override";
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the tenant's effective flags after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeatureFlags"];
                };
            };
            /** @description invalid_tenant_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found, feature_flag_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_suspend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description suspended */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_protected, tenant_state_conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    TenantsController_usage: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description usage and effective quotas */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantUsage"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ContextController_assemble: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_id?: string;
                    /** Format: date-time */
                    as_of?: string;
                    fail_open?: boolean;
                    /**
                     * @default xml
                     * @enum {string}
                     */
                    format?: "xml" | "markdown" | "json";
                    /** @default false */
                    include_superseded?: boolean;
                    /** @default 50 */
                    k?: number;
                    namespace: string;
                    /** Format: date-time */
                    occurred_after?: string;
                    /** Format: date-time */
                    occurred_before?: string;
                    pin_prefixes?: string[];
                    query: string;
                    /** @default false */
                    relative_time?: boolean;
                    session_id?: string;
                    system_prompt?: string;
                    tenant_id?: string;
                    token_budget?: number;
                    types?: ("semantic" | "episodic" | "working" | "procedural")[];
                    user_id?: string;
                };
            };
        };
        responses: {
            /** @description the assembled context; empty with degraded: true when the database is unreachable and fail_open (or the flag memory_fail_open_override) is on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssembledContext"];
                };
            };
            /** @description invalid_<field>, system_prompt_over_budget */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ConversationsController_ingest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_id?: string;
                    create_namespace?: boolean;
                    /** @default false */
                    extract?: boolean;
                    messages: {
                        content: string;
                        id?: string;
                        name?: string;
                        /** Format: date-time */
                        occurred_at?: string;
                        /** @enum {string} */
                        role: "system" | "user" | "assistant" | "tool";
                    }[];
                    namespace: string;
                    session_id?: string;
                    /** @default 0 */
                    start_index?: number;
                    tenant_id?: string;
                    user_id?: string;
                };
            };
        };
        responses: {
            /** @description every message was already stored (a retry) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngestedConversation"];
                };
            };
            /** @description stored (some may be duplicates) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngestedConversation"];
                };
            };
            /** @description empty_messages, too_many_messages, invalid_messages_role, invalid_messages_content */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description quota_exceeded, scope_mismatch */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description content_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ConversationsController_session: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                namespace?: string;
                tenant_id?: string;
            };
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of the session (empty for a session with no messages) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            /** @description invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DriftController_list: {
        parameters: {
            query: {
                cursor?: string;
                limit?: number;
                severity?: "none" | "low" | "medium" | "high";
                tenant_id?: string;
                workflow_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of comparisons */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftComparisonList"];
                };
            };
            /** @description invalid_<field>, missing_workflow_id, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (the drift flag is off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DriftController_compare: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    augmented: {
                        metadata?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        output: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        run_id?: string;
                    };
                    baseline: {
                        metadata?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        output: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        run_id?: string;
                    };
                    run_id?: string;
                    tenant_id?: string;
                    workflow_id: string;
                };
            };
        };
        responses: {
            /** @description scored and stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftComparison"];
                };
            };
            /** @description invalid_<field>, missing_<field>, output_too_deep, too_many_text_fields */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (the drift flag is off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description output_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description service_unavailable (the embedding model failed) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DriftController_get: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the comparison */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftComparison"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (the drift flag is off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description drift_comparison_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    DriftController_summary: {
        parameters: {
            query: {
                tenant_id?: string;
                workflow_id: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the summary (zeros for a workflow without comparisons) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftSummary"];
                };
            };
            /** @description invalid_<field>, missing_workflow_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (the drift flag is off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ExtractionController_request: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    message_ids: string[];
                    namespace: string;
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description queued */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExtractionJob"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description messages_not_found, namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    FlagsController_list: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the effective flags (tenant_id null: the platform values) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeatureFlags"];
                };
            };
            /** @description invalid_tenant_id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description tenant_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    FlagsController_reload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description loaded (or unchanged) and announced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeatureFlagsReload"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description flags_invalid: the file was not loaded; details.issues say why */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ExtractionController_job: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the job */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExtractionJob"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description job_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_list: {
        parameters: {
            query?: {
                agent_id?: string;
                as_of?: string;
                created_after?: string;
                created_before?: string;
                cursor?: string;
                include_superseded?: string;
                limit?: number;
                metadata?: string;
                namespace?: string;
                occurred_after?: string;
                occurred_before?: string;
                session_id?: string;
                tags?: string;
                tenant_id?: string;
                type?: string;
                updated_after?: string;
                updated_before?: string;
                user_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of memories */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryList"];
                };
            };
            /** @description invalid_<field>, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_id?: string;
                    content: string;
                    create_namespace?: boolean;
                    importance?: number;
                    metadata?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    namespace: string;
                    /** Format: date-time */
                    occurred_at?: string;
                    relations?: {
                        relation: string;
                        /** Format: uuid */
                        to: string;
                        /** @default 1 */
                        weight?: number;
                    }[];
                    session_id?: string;
                    source?: string;
                    /** Format: uuid */
                    supersedes?: string;
                    tags?: string[];
                    tenant_id?: string;
                    ttl_seconds?: number;
                    /**
                     * @default semantic
                     * @enum {string}
                     */
                    type?: "semantic" | "episodic" | "working" | "procedural";
                    user_id?: string;
                };
            };
        };
        responses: {
            /** @description the namespace already holds this content: that memory, duplicate: true */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedMemory"];
                };
            };
            /** @description stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedMemory"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description quota_exceeded, forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found, relation_target_not_found, supersede_target_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description with supersedes: memory_already_superseded, supersede_namespace_mismatch, duplicate_content */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description content_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_get: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the memory */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Memory"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_delete: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_id?: string | null;
                    content?: string;
                    create_namespace?: boolean;
                    importance?: number;
                    metadata?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    namespace?: string;
                    /** Format: date-time */
                    occurred_at?: string | null;
                    session_id?: string | null;
                    source?: string | null;
                    tags?: string[];
                    tenant_id?: string;
                    ttl_seconds?: number;
                    /** @enum {string} */
                    type?: "semantic" | "episodic" | "working" | "procedural";
                    user_id?: string | null;
                };
            };
        };
        responses: {
            /** @description the changed memory */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Memory"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found, namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description duplicate_content: details.id names the memory that holds it */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description content_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_history: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryHistory"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_related: {
        parameters: {
            query?: {
                depth?: number;
                relation?: string;
                tenant_id?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the reachable memories */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RelatedMemories"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_relate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    relations: {
                        relation: string;
                        /** Format: uuid */
                        to: string;
                        /** @default 1 */
                        weight?: number;
                    }[];
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description the edges exist (adding one again changes its weight) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found, relation_target_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_supersede: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    content: string;
                    importance?: number;
                    metadata?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    relations?: {
                        relation: string;
                        /** Format: uuid */
                        to: string;
                        /** @default 1 */
                        weight?: number;
                    }[];
                    source?: string;
                    tags?: string[];
                    tenant_id?: string;
                    ttl_seconds?: number;
                    /** @enum {string} */
                    type?: "semantic" | "episodic" | "working" | "procedural";
                };
            };
        };
        responses: {
            /** @description the new memory and the superseded one */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupersedeResult"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description quota_exceeded, forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_not_found, relation_target_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description memory_already_superseded (details name its successor), duplicate_content (details name the holder) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description content_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    MemoriesController_createBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    create_namespace?: boolean;
                    memories: {
                        agent_id?: string;
                        content: string;
                        importance?: number;
                        metadata?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        /** Format: date-time */
                        occurred_at?: string;
                        relations?: {
                            relation: string;
                            /** Format: uuid */
                            to: string;
                            /** @default 1 */
                            weight?: number;
                        }[];
                        session_id?: string;
                        source?: string;
                        /** Format: uuid */
                        supersedes?: string;
                        tags?: string[];
                        ttl_seconds?: number;
                        /**
                         * @default semantic
                         * @enum {string}
                         */
                        type?: "semantic" | "episodic" | "working" | "procedural";
                        user_id?: string;
                    }[];
                    namespace: string;
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description every one was a duplicate */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryBatchResult"];
                };
            };
            /** @description stored (some may be duplicates) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryBatchResult"];
                };
            };
            /** @description invalid_memories: the same memory superseded twice */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description quota_exceeded, forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found, relation_target_not_found, supersede_target_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description with supersedes: memory_already_superseded, supersede_namespace_mismatch, duplicate_content */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description content_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    SearchController_run: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    as_of?: string;
                    /** @default false */
                    explain?: boolean;
                    filters?: {
                        agent_id?: string;
                        /** Format: date-time */
                        created_after?: string;
                        /** Format: date-time */
                        created_before?: string;
                        metadata?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        /** Format: date-time */
                        occurred_after?: string;
                        /** Format: date-time */
                        occurred_before?: string;
                        session_id?: string;
                        tags?: string[];
                        types?: ("semantic" | "episodic" | "working" | "procedural")[];
                        /** Format: date-time */
                        updated_after?: string;
                        /** Format: date-time */
                        updated_before?: string;
                        user_id?: string;
                    };
                    /** @enum {string} */
                    fusion?: "rrf" | "weighted" | "minmax";
                    /** @default false */
                    include_superseded?: boolean;
                    /** @default 10 */
                    k?: number;
                    min_score?: number;
                    namespace?: string;
                    namespaces?: string[];
                    query: string;
                    /** @default 2 */
                    related_depth?: number;
                    /**
                     * @default boost
                     * @enum {string}
                     */
                    related_mode?: "boost" | "restrict";
                    related_relations?: string[];
                    /** Format: uuid */
                    related_to?: string;
                    /** @default false */
                    relative_time?: boolean;
                    tenant_id?: string;
                    weights?: {
                        access?: number;
                        importance?: number;
                        lexical?: number;
                        recency?: number;
                        relation?: number;
                        relevance?: number;
                        vector?: number;
                    };
                };
            };
        };
        responses: {
            /** @description the results, best first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchResults"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    PinsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                prefix?: string;
                tenant_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of pins */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PinList"];
                };
            };
            /** @description invalid_<field>, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (pins switched off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    PinsController_upsert: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    key: string;
                    source?: string | null;
                    tenant_id?: string;
                    ttl_seconds?: number | null;
                    value: components["schemas"]["JsonValue"];
                };
            };
        };
        responses: {
            /** @description replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pin"];
                };
            };
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pin"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description quota_exceeded, forbidden, feature_disabled (pins switched off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description value_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    PinsController_get: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                /** @description the pin key; "/" may appear raw or as %2F */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the pin */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Pin"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (pins switched off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description pin_not_found (absent or expired) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    PinsController_delete: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                /** @description the pin key; "/" may appear raw or as %2F */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description feature_disabled (pins switched off) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description pin_not_found (absent or expired) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    PinsController_cleanup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default false */
                    dry_run?: boolean;
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description deleted, or on a dry run counted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PinCleanup"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    NamespacesController_list: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description every namespace of the tenant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NamespaceList"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    NamespacesController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    default_token_budget?: number;
                    description?: string;
                    embedding_model?: string;
                    name: string;
                    retention_days?: number | null;
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Namespace"];
                };
            };
            /** @description invalid_<field>, unknown_embedding_model */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    NamespacesController_get: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the namespace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Namespace"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    NamespacesController_delete: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted, with its memories */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    NamespacesController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    default_token_budget?: number;
                    description?: string | null;
                    embedding_model?: string;
                    retention_days?: number | null;
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description the changed namespace */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Namespace"];
                };
            };
            /** @description invalid_<field>, unknown_embedding_model */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description namespace_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RbacController_audit: {
        parameters: {
            query?: {
                action?: "read" | "write" | "delete" | "admin" | "reload";
                cursor?: string;
                decision?: "allow" | "deny";
                limit?: number;
                resource?: "memory_pin" | "memory" | "context" | "run" | "tenant" | "api_key" | "policy" | "metrics" | "proxy" | "drift" | "feature_flag";
                role?: "infra" | "admin" | "machine" | "agent" | "dev" | "readonly";
                since?: string;
                tenant_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of decisions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RbacDecisionList"];
                };
            };
            /** @description invalid_<field>, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RbacController_info: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the loaded policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyInfo"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RbacController_matrix: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the matrix */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyMatrix"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RbacController_reload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description loaded (or unchanged) and announced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyReload"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description policy_invalid: the file was not loaded; details.issues say why */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_list: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                status?: "succeeded" | "failed" | "cancelled" | "timed_out";
                tenant_id?: string;
                workflow_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunList"];
                };
            };
            /** @description invalid_<field>, invalid_cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_record: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    finished_at: string;
                    inputs?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    metrics?: {
                        [key: string]: number;
                    };
                    outputs?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    run_id: string;
                    /** Format: date-time */
                    started_at: string;
                    /** @enum {string} */
                    status: "succeeded" | "failed" | "cancelled" | "timed_out";
                    tenant_id?: string;
                    workflow_id: string;
                };
            };
        };
        responses: {
            /** @description recorded before with this same body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecordedRun"];
                };
            };
            /** @description recorded */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecordedRun"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description run_conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description run_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_get: {
        parameters: {
            query?: {
                tenant_id?: string;
            };
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDetail"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description run_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_dryRunRecorded: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tenant_id?: string;
                };
            };
        };
        responses: {
            /** @description the rules that match and what each would change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDryRun"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description run_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_dryRun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    finished_at: string;
                    inputs?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    metrics?: {
                        [key: string]: number;
                    };
                    outputs?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    run_id: string;
                    /** Format: date-time */
                    started_at: string;
                    /** @enum {string} */
                    status: "succeeded" | "failed" | "cancelled" | "timed_out";
                    tenant_id?: string;
                    workflow_id: string;
                };
            };
        };
        responses: {
            /** @description the rules that match and what each would change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDryRun"];
                };
            };
            /** @description invalid_<field>, missing_<field>, invalid_json: the request does not match its schema */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description run_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_info: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the loaded rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateRulesInfo"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    RunsController_reload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description loaded, or unchanged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdateRulesReload"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description update_rules_invalid */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description alive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Liveness"];
                };
            };
            /** @description database_unavailable, service_unavailable: retry after the Retry-After header */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description ready: every check is up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description not ready: `error` names the failing checks */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
        };
    };
    ProxyController_chatCompletions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    messages: ({
                        role: string;
                    } & {
                        [key: string]: unknown;
                    })[];
                    model: string;
                    stream?: boolean;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description the upstream's chat completion, unchanged; with stream: true, its server-sent events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatCompletion"];
                    "text/event-stream": string;
                };
            };
            /** @description invalid_json, missing_model, invalid_model, missing_messages, invalid_messages, invalid_engram_header; or the upstream’s own 400, unchanged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description proxy_body_too_large, payload_too_large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description unsupported_media_type: send application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description upstream_unreachable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description proxy_not_configured (no PROXY_UPSTREAM_URL), database_unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description upstream_timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    ProxyController_models: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the upstream's model list, unchanged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelList"];
                };
            };
            /** @description missing_credentials, unknown_credentials, revoked_credentials, expired_credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description forbidden, tenant_mismatch, scope_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description rate_limited: retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description upstream_unreachable */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description proxy_not_configured */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description upstream_timeout */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
