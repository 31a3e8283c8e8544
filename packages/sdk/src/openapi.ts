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
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ApiKey: {
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
            tokens: number;
            /** @enum {string} */
            zone: "critical" | "middle" | "recency";
        };
        CreatedApiKey: {
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
        };
        CreatedMemory: {
            access_count: number;
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
            provenance: components["schemas"]["Provenance"];
            tags: string[];
            tenant_id: string;
            /** @enum {string} */
            type: "semantic" | "episodic" | "working" | "procedural";
            /** Format: date-time */
            updated_at: string;
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
        JsonValue: JsonValue;
        Liveness: {
            /** @enum {string} */
            status: "ok";
        };
        Memory: {
            access_count: number;
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
            provenance: components["schemas"]["Provenance"];
            tags: string[];
            tenant_id: string;
            /** @enum {string} */
            type: "semantic" | "episodic" | "working" | "procedural";
            /** Format: date-time */
            updated_at: string;
        };
        MemoryBatchResult: {
            created: number;
            duplicates: number;
            /** @description in request order */
            memories: components["schemas"]["CreatedMemory"][];
        };
        MemoryList: {
            has_more: boolean;
            memories: components["schemas"]["Memory"][];
            /** @description pass it back as `cursor` for the next page; null on the last */
            next_cursor: string | null;
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                    /** Format: date-time */
                    expires_at?: string;
                    name: string;
                    /** @enum {string} */
                    role: "infra" | "admin" | "machine" | "agent" | "dev" | "readonly";
                    scopes?: string[];
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                    fail_open?: boolean;
                    /**
                     * @default xml
                     * @enum {string}
                     */
                    format?: "xml" | "markdown" | "json";
                    /** @default 50 */
                    k?: number;
                    namespace: string;
                    pin_prefixes?: string[];
                    query: string;
                    system_prompt?: string;
                    tenant_id?: string;
                    token_budget?: number;
                    types?: ("semantic" | "episodic" | "working" | "procedural")[];
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
    MemoriesController_list: {
        parameters: {
            query?: {
                created_after?: string;
                created_before?: string;
                cursor?: string;
                limit?: number;
                metadata?: string;
                namespace?: string;
                tags?: string;
                tenant_id?: string;
                type?: string;
                updated_after?: string;
                updated_before?: string;
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                    content: string;
                    create_namespace?: boolean;
                    importance?: number;
                    metadata?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    namespace: string;
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
                    /**
                     * @default semantic
                     * @enum {string}
                     */
                    type?: "semantic" | "episodic" | "working" | "procedural";
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
            /** @description namespace_not_found, relation_target_not_found */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                    content?: string;
                    create_namespace?: boolean;
                    importance?: number;
                    metadata?: {
                        [key: string]: components["schemas"]["JsonValue"];
                    };
                    namespace?: string;
                    source?: string | null;
                    tags?: string[];
                    tenant_id?: string;
                    ttl_seconds?: number;
                    /** @enum {string} */
                    type?: "semantic" | "episodic" | "working" | "procedural";
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                        ttl_seconds?: number;
                        /**
                         * @default semantic
                         * @enum {string}
                         */
                        type?: "semantic" | "episodic" | "working" | "procedural";
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
            /** @description namespace_not_found, relation_target_not_found */
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
                    /** @default false */
                    explain?: boolean;
                    filters?: {
                        /** Format: date-time */
                        created_after?: string;
                        /** Format: date-time */
                        created_before?: string;
                        metadata?: {
                            [key: string]: components["schemas"]["JsonValue"];
                        };
                        tags?: string[];
                        types?: ("semantic" | "episodic" | "working" | "procedural")[];
                        /** Format: date-time */
                        updated_after?: string;
                        /** Format: date-time */
                        updated_before?: string;
                    };
                    /** @enum {string} */
                    fusion?: "rrf" | "weighted" | "minmax";
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description quota_exceeded, forbidden */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
                resource?: "memory_pin" | "memory" | "context" | "tenant" | "api_key" | "policy" | "metrics";
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
            /** @description forbidden, tenant_mismatch, tenant_suspended, cross_site_request: this credential may not do this here */
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
}
