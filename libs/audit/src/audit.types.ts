export interface AuditEvent {
  id: string;
  ts: string;
  tenant_id: string;
  operation: string;
  key: string | null;
  success: boolean;
  latency_ms: number;
  value_hash: string | null;
  request_id: string | null;
  actor: string | null;
  /** Rows a bulk operation (cleanup, expiry) touched. */
  affected?: number | null;
}
