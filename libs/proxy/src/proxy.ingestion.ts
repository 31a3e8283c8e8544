import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { MemoriesService } from '@engram/memories';

/** One finished exchange through the proxy, as it is handed to storage. */
export interface Exchange {
  namespace: string;
  user: string | undefined;
  session: string | undefined;
  model: string | undefined;
  userMessage: string;
  assistantReply: string;
}

/** Cuts `text` to at most `maxBytes` of UTF-8, on a character boundary. */
function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) {
    return text;
  }
  const cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  // A multi-byte character cut in half decodes to U+FFFD: drop it.
  return cut.endsWith('\uFFFD') ? cut.slice(0, -1) : cut;
}

/**
 * The one place the proxy stores what it saw: the last user message and the assistant's reply,
 * as two episodic memories in the request's namespace (created on first use), with user,
 * session, role and model in metadata. Swapping this for the conversations service
 * (POST /api/v1/conversations) means changing this class only.
 */
@Injectable()
export class ExchangeIngestion {
  private readonly maxBytes: number;

  constructor(
    private readonly memories: MemoriesService,
    config: ConfigService,
  ) {
    this.maxBytes = config.get('MEMORY_CONTENT_MAX_BYTES');
  }

  async ingest(tenantId: string, exchange: Exchange): Promise<void> {
    const metadata = (role: string) => ({
      role,
      channel: 'proxy',
      ...(exchange.user === undefined ? {} : { user: exchange.user }),
      ...(exchange.session === undefined ? {} : { session: exchange.session }),
      ...(exchange.model === undefined ? {} : { model: exchange.model }),
    });
    const memories = [
      { role: 'user', content: exchange.userMessage },
      { role: 'assistant', content: exchange.assistantReply },
    ]
      .filter((item) => item.content.trim().length > 0)
      .map((item) => ({
        content: fitBytes(item.content, this.maxBytes),
        type: 'episodic' as const,
        metadata: metadata(item.role),
        source: 'proxy',
      }));
    if (memories.length === 0) {
      return;
    }
    await this.memories.createBatch(tenantId, { namespace: exchange.namespace, create_namespace: true, memories });
  }
}
