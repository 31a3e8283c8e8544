import { z } from 'zod';

export const TRANSCRIPT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type TranscriptRole = (typeof TRANSCRIPT_ROLES)[number];

/** One message of the exchange being read; `index` is its position, which facts cite. */
export interface TranscriptMessage {
  index: number;
  role: TranscriptRole;
  content: string;
  name?: string;
}

export const FACT_KINDS = ['fact', 'preference', 'plan'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** Dotted lower-case slot such as `user.location`: two facts with one slot cannot both hold. */
export const factKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+){0,4}$/, 'a dotted lower-case slot such as user.location')
  .max(64);

export const MAX_FACTS_PER_EXTRACTION = 50;
export const MAX_FACT_LENGTH = 1000;

/**
 * What an extractor returns, and what the LLM is told to answer (its JSON schema is generated
 * from this, see extraction-output.schema.json). Every field is required, `key` may be null, so
 * the schema works in OpenAI's strict structured-output mode.
 */
export const extractedFactSchema = z.strictObject({
  content: z.string().trim().min(1).max(MAX_FACT_LENGTH),
  kind: z.enum(FACT_KINDS),
  key: factKeySchema.nullable(),
  /** Indexes of the messages the fact comes from; at least one. */
  messages: z.array(z.number().int().min(0)).min(1).max(100),
});

export const extractionOutputSchema = z.strictObject({
  facts: z.array(extractedFactSchema).max(MAX_FACTS_PER_EXTRACTION),
});

export type ExtractedFact = z.infer<typeof extractedFactSchema>;
export type ExtractionOutput = z.infer<typeof extractionOutputSchema>;

/** Turns messages into candidate facts; never writes anything itself. */
export interface FactExtractor {
  /** `llm` or `offline`: stored with each derived memory and counted in metrics. */
  readonly name: 'llm' | 'offline';
  extract(messages: TranscriptMessage[]): Promise<ExtractedFact[]>;
}
