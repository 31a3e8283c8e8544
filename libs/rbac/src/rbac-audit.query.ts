import { Injectable } from '@nestjs/common';
import { AuditQuery, RbacAuditPage } from './rbac.dto';
import { decodeAuditCursor, encodeAuditCursor } from './rbac-audit.cursor';
import { RbacAuditRepository } from './rbac-audit.repository';

/** Reads rbac_audit for the API, one tenant at a time. */
@Injectable()
export class RbacAuditQueryService {
  constructor(private readonly repository: RbacAuditRepository) {}

  async list(tenantId: string, query: AuditQuery): Promise<RbacAuditPage> {
    const rows = await this.repository.list(tenantId, {
      decision: query.decision,
      role: query.role,
      resource: query.resource,
      action: query.action,
      since: query.since === undefined ? undefined : new Date(query.since),
      before: query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const hasMore = rows.length > query.limit;
    return {
      decisions: page.map((row) => ({ ...row, ts: row.ts.toISOString() })),
      has_more: hasMore,
      next_cursor: hasMore ? encodeAuditCursor(last.ts, last.id) : null,
    };
  }
}
