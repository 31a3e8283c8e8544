import { z } from 'zod';
import { EXTRACTION_PROMPT } from './extraction.prompt';
import { ExtractionError } from './extraction.errors';
import { ExtractedFact, FactExtractor, TranscriptMessage, extractionOutputSchema } from './extraction.dto';
import { renderTranscript } from './transcript';

export interface LlmExtractorOptions {
  /** Base URL up to and including /v1; `/chat/completions` is appended. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  /** Retries after the first try, for timeouts, network errors, 429 and 5xx. */
  maxRetries: number;
  /** First retry delay; doubles per attempt. */
  backoffMs: number;
}

/** The output's JSON schema, as sent to the model and committed beside the prompt. */
export function extractionOutputJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(extractionOutputSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

/** A reply bigger than this is not a list of facts; it is not read further. */
const MAX_REPLY_BYTES = 1024 * 1024;

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
});

/**
 * Fact extraction by any OpenAI-compatible chat endpoint, with structured output. The answer is
 * checked twice, against the schema and against the transcript (a fact must cite messages that
 * exist), and rejected whole when either fails: a malformed answer never yields some facts.
 */
export class LlmFactExtractor implements FactExtractor {
  readonly name = 'llm' as const;

  constructor(private readonly options: LlmExtractorOptions) {}

  async extract(messages: TranscriptMessage[]): Promise<ExtractedFact[]> {
    if (messages.length === 0) {
      return [];
    }
    const content = await this.completeWithRetries(renderTranscript(messages));
    return parseExtraction(content, messages);
  }

  private async completeWithRetries(transcript: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.complete(transcript);
      } catch (error) {
        if (!(error instanceof ExtractionError) || !error.retryable || attempt >= this.options.maxRetries) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.backoffMs * 2 ** attempt));
      }
    }
  }

  private async complete(transcript: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(`${this.options.url.replace(/\/$/, '')}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.options.model,
          temperature: 0,
          messages: [
            { role: 'system', content: EXTRACTION_PROMPT },
            { role: 'user', content: transcript },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'engram_facts', strict: true, schema: extractionOutputJsonSchema() },
          },
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new ExtractionError('extractor_timeout', `no answer within ${this.options.timeoutMs} ms`, true);
      }
      throw new ExtractionError('extractor_unreachable', 'network error', true);
    }
    if (!response.ok) {
      // The body is not echoed: servers sometimes repeat the request, and it carries the transcript.
      await response.body?.cancel();
      const retryable = response.status === 429 || response.status >= 500;
      throw new ExtractionError('extractor_http_error', `server answered ${response.status}`, retryable);
    }
    let text: string;
    try {
      text = await readLimited(response, MAX_REPLY_BYTES);
    } catch (error) {
      if (error instanceof ExtractionError) {
        throw error;
      }
      // The timeout covers the body too: a reply that stalls half-way is a timeout.
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      throw new ExtractionError(timedOut ? 'extractor_timeout' : 'extractor_unreachable', 'the reply broke off', true);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ExtractionError('extractor_output_invalid', 'the reply is not JSON', false);
    }
    const completion = completionSchema.safeParse(body);
    const content = completion.success ? completion.data.choices[0].message.content : null;
    if (typeof content !== 'string') {
      throw new ExtractionError('extractor_output_invalid', 'the reply has no message content', false);
    }
    return content;
  }
}

/** The model's message content → facts, or an error naming the first problem. */
export function parseExtraction(content: string, messages: TranscriptMessage[]): ExtractedFact[] {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ExtractionError('extractor_output_invalid', 'the message content is not JSON', false);
  }
  const parsed = extractionOutputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : 'output';
    throw new ExtractionError('extractor_output_invalid', `${where}: ${issue.message}`, false);
  }
  const cited = new Set(messages.map((message) => message.index));
  for (const [i, fact] of parsed.data.facts.entries()) {
    const unknown = fact.messages.find((index) => !cited.has(index));
    if (unknown !== undefined) {
      throw new ExtractionError('extractor_output_invalid', `facts.${i}.messages: no message ${unknown}`, false);
    }
  }
  return parsed.data.facts;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > limit || !response.body) {
    await response.body?.cancel();
    throw new ExtractionError('extractor_output_invalid', `the reply is larger than ${limit} bytes`, false);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > limit) {
      throw new ExtractionError('extractor_output_invalid', `the reply is larger than ${limit} bytes`, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
