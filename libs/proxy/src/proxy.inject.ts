import type { ContextPosition } from './proxy.headers';

/** An OpenAI chat message as far as the proxy reads it; every other field passes through untouched. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

type ContentPart = { type: string; text?: unknown; [field: string]: unknown };

/** The text of a message: its string content, or its text parts joined (images and audio left out). */
export function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === 'string') {
    return content;
  }
  if (Array.isArray(content)) {
    return (content as ContentPart[])
      .flatMap((part) => (part?.type === 'text' && typeof part.text === 'string' ? [part.text] : []))
      .join('\n');
  }
  return '';
}

/** The last message a user wrote, or undefined. */
export function lastUserMessage(messages: readonly ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i].role === 'user') {
      return messages[i];
    }
  }
  return undefined;
}

/** `message` with `text` added before (or after) what it says, keeping array content an array. */
function withText(message: ChatMessage, text: string, where: 'before' | 'after'): ChatMessage {
  const content = message.content;
  if (Array.isArray(content)) {
    const part = { type: 'text', text };
    return { ...message, content: where === 'before' ? [part, ...content] : [...content, part] };
  }
  const own = typeof content === 'string' ? content : '';
  if (own === '') {
    return { ...message, content: text };
  }
  return { ...message, content: where === 'before' ? `${text}\n\n${own}` : `${own}\n\n${text}` };
}

const INSTRUCTION_ROLES = new Set(['system', 'developer']);

/**
 * The messages with `context` placed at `position`, as a new array (the request's own is not
 * changed):
 * - `system`: appended to the leading system (or developer) message, or a system message put first;
 * - `first_user`: written before the first user message's own text (a system message first if there is no user message);
 * - `before_last`: a system message inserted just before the last message.
 */
export function injectContext(
  messages: readonly ChatMessage[],
  context: string,
  position: ContextPosition,
): ChatMessage[] {
  const result = [...messages];
  const asSystem: ChatMessage = { role: 'system', content: context };
  switch (position) {
    case 'system': {
      if (result.length > 0 && INSTRUCTION_ROLES.has(result[0].role)) {
        result[0] = withText(result[0], context, 'after');
      } else {
        result.unshift(asSystem);
      }
      return result;
    }
    case 'first_user': {
      const index = result.findIndex((message) => message.role === 'user');
      if (index === -1) {
        result.unshift(asSystem);
      } else {
        result[index] = withText(result[index], context, 'before');
      }
      return result;
    }
    case 'before_last': {
      result.splice(Math.max(0, result.length - 1), 0, asSystem);
      return result;
    }
  }
}
