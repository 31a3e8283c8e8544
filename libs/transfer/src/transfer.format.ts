import { z } from 'zod';

/**
 * The tenant export format (docs/export.md): JSON Lines, UTF-8, one record per line. The first
 * line is the header, the last the trailer; in between, records in dependency order: namespaces,
 * pins, memories (each with its vectors when exported with them), relations. The schemas below
 * mirror the tables' own constraints, not the API's input limits, so whatever a database holds
 * can be exported and imported again.
 */
export const FORMAT_NAME = 'engram-tenant-export';
export const FORMAT_VERSION = 1;

export const RECORD_KINDS = ['namespace', 'pin', 'memory', 'relation'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const timestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp');
const nullableTimestamp = timestamp.nullable();
const uuid = z.uuid();
/** The CHECKs of the tables (migrations 0002, 0011, 0012, 0014) and the API's name alphabets. */
const TENANT_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9:_.-]{0,127}$/;
const MODEL_NAME = /^[A-Za-z0-9:._/-]{1,128}$/;
const PIN_KEY = /^[A-Za-z0-9:_\-./]{1,256}$/;
/** Postgres text cannot hold NUL, and jsonb rejects \u0000 in strings. */
const text = z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL');

export const headerSchema = z.object({
  kind: z.literal('header'),
  format: z.literal(FORMAT_NAME),
  version: z.number().int(),
  engram_version: z.string(),
  exported_at: timestamp,
  source: z.object({
    tenant: z.string().regex(TENANT_ID),
    name: z.string(),
    plan: z.string(),
    quotas: z.record(z.string(), z.json()),
  }),
  namespaces: z.array(z.string()).nullable(),
  pins: z.boolean(),
  vectors: z.boolean(),
  embedding_models: z.array(
    z.object({ model: z.string(), namespaces: z.number().int(), dimensions: z.number().int().nullable() }),
  ),
});
export type ExportHeader = z.infer<typeof headerSchema>;

export const namespaceRecordSchema = z.strictObject({
  kind: z.literal('namespace'),
  name: z.string().regex(NAMESPACE_NAME),
  id: uuid,
  description: text.nullable(),
  default_token_budget: z.number().int().min(64).max(1_000_000),
  embedding_model: z.string().regex(MODEL_NAME),
  pending_embedding_model: z.string().regex(MODEL_NAME).nullable(),
  retention_days: z.number().int().positive().max(2_147_483_647).nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type NamespaceRecord = z.infer<typeof namespaceRecordSchema>;

export const pinRecordSchema = z.strictObject({
  kind: z.literal('pin'),
  key: z.string().regex(PIN_KEY),
  id: uuid,
  value: z.json(),
  source: text.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  expires_at: nullableTimestamp,
});
export type PinRecord = z.infer<typeof pinRecordSchema>;

export const embeddingSchema = z.strictObject({
  model: z.string().regex(MODEL_NAME),
  /** Which window of the text (0: its start; see migration 0023); absent in files that predate passages. */
  passage: z.number().int().min(0).max(1000).default(0),
  vector: z.array(z.number()).min(1).max(16_000),
});

/** One version of a memory's history (migration 0031), as memory_versions holds it. */
export const versionSchema = z.strictObject({
  version: z.number().int().min(1),
  at: timestamp,
  change: z.enum(['create', 'update', 'superseded', 'baseline', 'import']),
  reason: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
  actor: text.nullable(),
  key_id: text.nullable(),
  namespace: z.string().regex(NAMESPACE_NAME),
  content: text,
  type: z.enum(['semantic', 'episodic', 'working', 'procedural']),
  metadata: z.record(z.string(), z.json()),
  tags: z.array(text),
  importance: z.number().min(0).max(1),
  source: text.nullable(),
  expires_at: nullableTimestamp,
  state: z.enum(['active', 'superseded']),
  superseded_by: uuid.nullable(),
  supersedes: uuid.nullable(),
});
export type VersionRecord = z.infer<typeof versionSchema>;

export const memoryRecordSchema = z.strictObject({
  kind: z.literal('memory'),
  id: uuid,
  namespace: z.string().regex(NAMESPACE_NAME),
  content: text,
  type: z.enum(['semantic', 'episodic', 'working', 'procedural']),
  metadata: z.record(z.string(), z.json()),
  tags: z.array(text),
  importance: z.number().min(0).max(1),
  provenance: z.strictObject({
    source: text.nullable(),
    actor: text.nullable(),
    created_by_key: text.nullable(),
  }),
  embedding_status: z.enum(['pending', 'ready', 'failed']),
  access_count: z.number().int().min(0),
  last_accessed_at: nullableTimestamp,
  expires_at: nullableTimestamp,
  created_at: timestamp,
  updated_at: timestamp,
  /** Scope, event time and message key (migration 0028); absent in files that predate them. */
  user_id: text.nullable().default(null),
  agent_id: text.nullable().default(null),
  session_id: text.nullable().default(null),
  occurred_at: nullableTimestamp.default(null),
  idempotency_key: text.nullable().default(null),
  /** Supersede state and links (migration 0030); absent in files that predate them: active, unlinked. */
  state: z.enum(['active', 'superseded']).default('active'),
  superseded_at: nullableTimestamp.default(null),
  superseded_by: uuid.nullable().default(null),
  supersedes: uuid.nullable().default(null),
  /** Its history, oldest first; absent in files that predate it (the import then starts one). */
  versions: z.array(versionSchema).max(100_000).optional(),
  embeddings: z.array(embeddingSchema).optional(),
});
export type MemoryRecord = z.infer<typeof memoryRecordSchema>;

export const relationRecordSchema = z.strictObject({
  kind: z.literal('relation'),
  from: uuid,
  relation: z.string().regex(/^[a-z0-9][a-z0-9_:-]{0,63}$/),
  to: uuid,
  weight: z.number().gt(0).max(1),
  created_at: timestamp,
});
export type RelationRecord = z.infer<typeof relationRecordSchema>;

export const trailerSchema = z.strictObject({
  kind: z.literal('trailer'),
  counts: z.strictObject({
    namespace: z.number().int().min(0),
    pin: z.number().int().min(0),
    memory: z.number().int().min(0),
    relation: z.number().int().min(0),
  }),
});
export type ExportTrailer = z.infer<typeof trailerSchema>;

export type TransferRecord = NamespaceRecord | PinRecord | MemoryRecord | RelationRecord;

const recordSchemas = {
  namespace: namespaceRecordSchema,
  pin: pinRecordSchema,
  memory: memoryRecordSchema,
  relation: relationRecordSchema,
} as const;

/** Why a line is not a record, in one line of text. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'record'}: ${issue.message}`)
    .join('; ');
}

export type ParsedLine =
  | { kind: 'header'; header: ExportHeader }
  | { kind: 'trailer'; trailer: ExportTrailer }
  | { kind: 'record'; record: TransferRecord };

/** Parses one line; throws a plain Error whose message says what is wrong (the caller adds the line number). */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('not a JSON object');
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'header') {
    const parsed = headerSchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(`not an ${FORMAT_NAME} header: ${describe(parsed.error)}`);
    }
    return { kind: 'header', header: parsed.data };
  }
  if (kind === 'trailer') {
    const parsed = trailerSchema.safeParse(value);
    if (!parsed.success) {
      throw new Error(`bad trailer: ${describe(parsed.error)}`);
    }
    return { kind: 'trailer', trailer: parsed.data };
  }
  if (typeof kind !== 'string' || !(kind in recordSchemas)) {
    throw new Error(`unknown kind ${JSON.stringify(kind)} (expected one of ${RECORD_KINDS.join(', ')})`);
  }
  const parsed = recordSchemas[kind as RecordKind].safeParse(value);
  if (!parsed.success) {
    throw new Error(`bad ${kind} record: ${describe(parsed.error)}`);
  }
  return { kind: 'record', record: parsed.data };
}
