import { z } from 'zod';
import { apiSchema, cursorPageFields, isoDateTime, tenantIdSchema, timestampSchema } from '@engram/common';
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
export const rbacAuditViewSchema = apiSchema(
  'RbacDecision',
  z.object({
    id: z.uuid(),
    ts: timestampSchema(),
    tenant_id: z.string(),
    actor: z.string(),
    role: z.string(),
    resource: z.string(),
    action: z.string(),
    decision: z.enum(['allow', 'deny']),
    reason: z.string(),
    enforced: z.boolean().describe('false in shadow mode: the decision was recorded, not applied'),
    request_id: z.string().nullable(),
  }),
);
export type RbacAuditView = z.infer<typeof rbacAuditViewSchema>;

export const rbacAuditPageSchema = apiSchema(
  'RbacDecisionList',
  z.object({
    decisions: z.array(rbacAuditViewSchema).describe('newest first'),
    ...cursorPageFields,
  }),
);
export type RbacAuditPage = z.infer<typeof rbacAuditPageSchema>;

export const policyInfoSchema = apiSchema(
  'PolicyInfo',
  z.object({
    version: z.string(),
    hash: z.string().describe('SHA-256 of the policy file'),
    enforce_mode: z.enum(['enforce', 'shadow']),
    loaded_at: timestampSchema(),
    rule_count: z.number().int(),
    inheritance_count: z.number().int(),
    file: z.string(),
    broadcast: z.enum(['redis', 'postgres', 'none']).describe('how a reload reaches the other replicas'),
  }),
);
export type PolicyInfo = z.infer<typeof policyInfoSchema>;

export const reloadResultSchema = apiSchema(
  'PolicyReload',
  z.object({ changed: z.boolean().describe('false: the file was already loaded'), info: policyInfoSchema }),
);
export type ReloadResult = z.infer<typeof reloadResultSchema>;

export const policyMatrixSchema = apiSchema(
  'PolicyMatrix',
  z.object({
    version: z.string(),
    hash: z.string(),
    roles: z.array(z.string()),
    resources: z.array(z.string()),
    actions: z.array(z.string()),
    matrix: z
      .record(z.string(), z.record(z.string(), z.array(z.string())))
      .describe('role → resource → the actions it may take'),
  }),
);
export type PolicyMatrix = z.infer<typeof policyMatrixSchema>;
