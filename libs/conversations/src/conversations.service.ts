import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ExtractionService } from '@engram/extraction';
import { MemoriesService } from '@engram/memories';
import { ConversationView, IngestConversationInput, IngestedConversationView, SessionQuery } from './conversations.dto';

/**
 * Chat ingestion over the memories service: each message becomes an episodic memory carrying
 * its session, scope, time and speaker (metadata.role / metadata.name), written through the batch
 * path (one transaction, no model call on the request path). Each message's idempotency key is
 * the client's id, or else its session and position: a retried request returns the same ids and
 * stores nothing twice.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly memories: MemoriesService,
    private readonly extraction: ExtractionService,
  ) {}

  async ingest(tenantId: string, input: IngestConversationInput): Promise<IngestedConversationView> {
    const sessionId = input.session_id ?? randomUUID();
    // A message without occurred_at happened now, one microsecond after the one before it, so the
    // session reads back in the order it was sent (rows of one INSERT can share a clock reading).
    const now = new Date().toISOString().slice(0, 23);
    const items = input.messages.map((message, i) => ({
      content: message.content,
      type: 'episodic' as const,
      metadata: { role: message.role, ...(message.name !== undefined ? { name: message.name } : {}) },
      source: 'conversation',
      user_id: input.user_id,
      agent_id: input.agent_id,
      session_id: sessionId,
      occurred_at: message.occurred_at ?? `${now}${String(i).padStart(3, '0')}Z`,
      idempotency_key: messageKey(sessionId, input.start_index + i, message.id),
    }));
    const rows = await this.memories.ingest(tenantId, input.namespace, input.create_namespace === true, items);
    const created = rows.filter((row) => !row.duplicate).length;
    // Facts are extracted in a job, from the messages this request stored: a retry queues nothing.
    const fresh = rows.filter((row) => !row.duplicate).map((row) => row.id);
    let extraction: IngestedConversationView['extraction'] = { status: 'not_requested' };
    if (input.extract === true) {
      extraction =
        fresh.length === 0
          ? { status: 'nothing_new' }
          : {
              status: 'queued',
              job_id: (await this.extraction.request(tenantId, { namespace: input.namespace, message_ids: fresh })).id,
            };
    }
    return {
      namespace: input.namespace,
      session_id: sessionId,
      messages: rows.map((row, i) => ({
        id: row.id,
        index: input.start_index + i,
        role: input.messages[i].role,
        duplicate: row.duplicate,
      })),
      created,
      duplicates: rows.length - created,
      extraction,
    };
  }

  async session(tenantId: string, sessionId: string, query: SessionQuery): Promise<ConversationView> {
    const page = await this.memories.listSession(tenantId, sessionId, {
      namespace: query.namespace,
      limit: query.limit,
      cursor: query.cursor,
    });
    return { session_id: sessionId, ...page };
  }
}

/**
 * `id:<client id>` or `s:<session>:<position>`; unambiguous, since a position is an integer and
 * comes after the last colon.
 */
export function messageKey(sessionId: string, position: number, clientId: string | undefined): string {
  return clientId !== undefined ? `id:${clientId}` : `s:${sessionId}:${position}`;
}
