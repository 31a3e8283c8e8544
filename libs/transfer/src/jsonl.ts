import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** The longest line accepted: a memory of the API's largest content with a big vector fits many times over. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * The lines of a UTF-8 stream with their 1-based numbers. `for await` over the stream pulls one
 * chunk at a time and the caller's await on each line holds the next chunk back, so only the
 * current chunk and the line being assembled are in memory. (readline's async iterator is not
 * used: it buffers lines ahead of a slow consumer.) A trailing `\r` is dropped; a last line
 * without its newline is still a line.
 */
export async function* readLines(input: Readable): AsyncGenerator<{ line: string; number: number }> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 0;
  const emit = (line: string) => ({ line: line.endsWith('\r') ? line.slice(0, -1) : line, number: ++number });
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield emit(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_LINE_BYTES) {
      throw new Error(`line ${number + 1} is longer than ${MAX_LINE_BYTES} bytes`);
    }
  }
  pending += decoder.end();
  if (pending.length > 0) {
    yield emit(pending);
  }
}
