import { TranscriptMessage } from './extraction.dto';

/** One line per message, `[index] role (name): content`, newlines inside content folded to spaces. */
export function renderTranscript(messages: TranscriptMessage[]): string {
  return messages
    .map((message) => {
      const speaker = message.name ? `${message.role} (${message.name})` : message.role;
      return `[${message.index}] ${speaker}: ${message.content.replace(/\s*\n\s*/g, ' ')}`;
    })
    .join('\n');
}
