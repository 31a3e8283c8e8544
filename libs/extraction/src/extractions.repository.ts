import { Injectable } from '@nestjs/common';
import { Database, RepositoryScope } from '@engram/db';
import { MetricsService } from '@engram/metrics';
import { FactDecision } from './fact-decision';

export type ExtractionStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What was decided for one extracted fact; `memory_id` is the memory written or left as it was. */
export interface StoredDecision {
  action: FactDecision['action'];
  kind: string;
  key: string | null;
  memory_id: string | null;
}

export interface ExtractionRow {
  id: string;
  tenant_id: string;
  namespace: string;
  message_ids: string[];
  status: ExtractionStatus;
  extractor: 'llm' | 'offline';
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  decisions: StoredDecision[];
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id, tenant_id, namespace, message_ids, status, extractor, attempts, error_code, error_message,
  decisions, created_at, updated_at, finished_at`;

/** The memory_extractions table; tenant first in every method, each in the tenant's RLS scope. */
@Injectable()
export class ExtractionsRepository {
  private readonly scope: RepositoryScope;

  constructor(db: Database, metrics: MetricsService) {
    this.scope = new RepositoryScope(db, metrics, 'extractions');
  }

  insert(
    tenantId: string,
    input: { namespace: string; messageIds: string[]; extractor: 'llm' | 'offline' },
  ): Promise<ExtractionRow> {
    return this.scope.tenant(tenantId, 'insert', async (tx) => {
      const [row] = await tx.query<ExtractionRow>(
        `INSERT INTO memory_extractions (tenant_id, namespace, message_ids, extractor)
         VALUES ($1, $2, $3::uuid[], $4) RETURNING ${COLUMNS}`,
        [tenantId, input.namespace, input.messageIds, input.extractor],
      );
      return row;
    });
  }

  get(tenantId: string, id: string): Promise<ExtractionRow | null> {
    return this.scope.tenant(tenantId, 'get', async (tx) => {
      const rows = await tx.query<ExtractionRow>(
        `SELECT ${COLUMNS} FROM memory_extractions WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return rows[0] ?? null;
    });
  }

  /** Counts the attempt; a finished extraction is not started again (null). */
  start(tenantId: string, id: string): Promise<ExtractionRow | null> {
    return this.scope.tenant(tenantId, 'start', async (tx) => {
      const rows = await tx.query<ExtractionRow>(
        `UPDATE memory_extractions SET status = 'running', attempts = attempts + 1, updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
        [tenantId, id],
      );
      return rows[0] ?? null;
    });
  }

  finish(
    tenantId: string,
    id: string,
    outcome:
      | { status: 'succeeded'; decisions: StoredDecision[] }
      | { status: 'failed'; code: string; message: string }
      | { status: 'queued'; code: string; message: string },
  ): Promise<void> {
    return this.scope.tenant(tenantId, 'finish', async (tx) => {
      await tx.query(
        `UPDATE memory_extractions
            SET status = $3, decisions = coalesce($4::jsonb, decisions), error_code = $5, error_message = $6,
                updated_at = now(), finished_at = CASE WHEN $3 = 'queued' THEN NULL ELSE now() END
          WHERE tenant_id = $1 AND id = $2`,
        [
          tenantId,
          id,
          outcome.status,
          outcome.status === 'succeeded' ? JSON.stringify(outcome.decisions) : null,
          outcome.status === 'succeeded' ? null : outcome.code,
          outcome.status === 'succeeded' ? null : outcome.message,
        ],
      );
    });
  }
}
