import { RbacAuditEvent } from './rbac-audit.types';
import { z } from 'zod';
import { isoDateTime, tenantIdSchema } from '@engram/common';
import { ACTIONS, RESOURCES, ROLES } from './rbac.constants';

export const MAX_AUDIT_PAGE = 1000;

export const auditQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  decision: z.enum(['allow', 'deny']).optional(),
  role: z.enum(ROLES).optional(),
  resource: z.enum(RESOURCES).optional(),
  action: z.enum(ACTIONS).optional(),
  since: isoDateTime().optional().describe('ISO 8601 timestamp; decisions at or after it'),
  limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(50),
  cursor: z.string().max(256).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** An audited decision as the API returns it: the stored event, unchanged. */
export type RbacAuditView = RbacAuditEvent;

export interface RbacAuditPage {
  decisions: RbacAuditView[];
  has_more: boolean;
  next_cursor: string | null;
}
