export interface RbacAuditEvent {
  id: string;
  ts: string;
  tenant_id: string;
  actor: string;
  role: string;
  resource: string;
  action: string;
  decision: 'allow' | 'deny';
  reason: string;
  /** false in shadow mode: the decision was recorded, not applied. */
  enforced: boolean;
  request_id: string | null;
}
