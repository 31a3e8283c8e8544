import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is calling, as established by authentication. */
export interface Principal {
  /** How the caller authenticated. */
  kind: 'admin_token' | 'api_key' | 'machine_token' | 'jwt' | 'anonymous';
  role: string;
  /** The tenant the credential is bound to; null for cross-tenant roles. */
  tenantId: string | null;
  /** Stable, non-secret identifier for audit trails (never the credential itself). */
  actor: string;
  keyId?: string;
  scopes?: string[];
  /** An API key bound to a user / agent within its tenant (scope-binding.ts). */
  boundUserId?: string | null;
  boundAgentId?: string | null;
}

/** Per-request state that rides into logs, audit events and error bodies. */
export interface RequestContext {
  requestId: string;
  principal?: Principal;
  tenantId?: string;
  /** Set by authentication: checks that a tenant exists and is active before data is touched. */
  tenantGate?: (tenantId: string) => Promise<unknown>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  enter(context: RequestContext): void {
    storage.enterWith(context);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

/** What a job's log lines carry: the job, and the request that enqueued it, if one did. */
export interface JobLogFields {
  job: string;
  job_id: string;
  request_id?: string;
}

const jobStorage = new AsyncLocalStorage<JobLogFields>();

export const jobLogContext = {
  run<T>(fields: JobLogFields, fn: () => T): T {
    return jobStorage.run(fields, fn);
  },
  current(): JobLogFields | undefined {
    return jobStorage.getStore();
  },
};
