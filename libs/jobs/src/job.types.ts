/**
 * Job name → payload. Feature libs add their jobs by declaration merging:
 *
 *   declare module '@engram/jobs' { interface JobPayloads { 'audit.write': AuditWritePayload } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobName = keyof JobPayloads & string;

export interface JobOptions {
  /** Idempotency: a job whose id is already queued or recently done is not added again. No ":" (BullMQ reserves it). */
  jobId?: string;
  delayMs?: number;
}

export interface JobDefinition {
  name: JobName;
  /** Total tries, including the first. */
  attempts: number;
  backoffMs: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}

/** One class per job, found at boot by @JobHandler. */
export interface JobHandlerInstance<N extends JobName = JobName> {
  handle(payload: JobPayloads[N], context: JobContext): Promise<void>;
  /** For repeatable jobs: the interval, or null to not schedule. */
  repeatEveryMs?(): number | null;
  /**
   * Work to do once when a worker starts, in process rather than through the queue (which may
   * have lost its jobs or be unreachable then). Runs in the background; a failure is logged.
   */
  runAtStart?(): Promise<void>;
}

export type JobStateCounts = Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;

const definitions = new Map<string, JobDefinition>();

/** Declares a job (retry policy) once, at module load; a handler for it must exist at boot. */
export function defineJob(name: JobName, options: Partial<Omit<JobDefinition, 'name'>> = {}): JobDefinition {
  const definition: JobDefinition = { name, attempts: options.attempts ?? 5, backoffMs: options.backoffMs ?? 1000 };
  definitions.set(name, definition);
  return definition;
}

export function jobDefinitions(): JobDefinition[] {
  return [...definitions.values()];
}

export function jobDefinition(name: string): JobDefinition {
  const definition = definitions.get(name);
  if (!definition) {
    throw new Error(`job ${name} is not defined (call defineJob)`);
  }
  return definition;
}
