import { Transform, TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Most characters of a reply kept for storage; the response itself is never cut. */
const MAX_REPLY_CHARS = 1024 * 1024;

type Choice = { index?: number; message?: { content?: unknown }; delta?: { content?: unknown } };

/** The assistant's text in a non-streamed chat completion (the first choice), or ''. */
export function replyFromCompletion(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { choices?: Choice[] };
    const content = parsed.choices?.find((choice) => (choice.index ?? 0) === 0)?.message?.content;
    return typeof content === 'string' ? content.slice(0, MAX_REPLY_CHARS) : '';
  } catch {
    return '';
  }
}

/**
 * Passes a server-sent event stream through byte for byte, and reads the assistant's text from
 * its `data:` lines on the side (the first choice's `delta.content`). `onChunk` runs for each
 * chunk that passes (the idle timeout is re-armed there).
 */
export class StreamReplyTap extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private text = '';
  done = false;

  constructor(private readonly onChunk: () => void) {
    super();
  }

  get reply(): string {
    return this.text;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onChunk();
    this.read_(this.decoder.write(chunk));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.read_(this.decoder.end() + '\n');
    callback();
  }

  private read_(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      this.line(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
  }

  private line(line: string): void {
    if (!line.startsWith('data:')) {
      return;
    }
    const data = line.slice(5).trim();
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    if (this.text.length >= MAX_REPLY_CHARS) {
      return;
    }
    try {
      const event = JSON.parse(data) as { choices?: Choice[] };
      const content = event.choices?.find((choice) => (choice.index ?? 0) === 0)?.delta?.content;
      if (typeof content === 'string') {
        this.text += content;
      }
    } catch {
      // Not JSON: an upstream's own event; it passed through, there is nothing to read.
    }
  }
}
