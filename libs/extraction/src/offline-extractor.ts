import { ExtractedFact, FactExtractor, FactKind, TranscriptMessage } from './extraction.dto';

interface Pattern {
  kind: FactKind;
  /** Matched against one lower-cased sentence of a user message, whole. */
  match: RegExp;
  /** The fact, from the original-case captures. */
  content: (captures: string[]) => string;
  key: ((captures: string[]) => string) | null;
  /** The first capture must be a proper noun (capitalised as written): "work at Acme", not "work at night". */
  proper?: boolean;
}

const slot = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 24);

/**
 * First-person statements with one reading. Each is anchored at both ends of a sentence, so
 * "I'm not allergic to …", "I used to live in …" or "If I lived in …" match nothing.
 */
const PATTERNS: Pattern[] = [
  {
    kind: 'fact',
    match: /^(?:my name is|call me) ([a-z][a-z' -]{0,40})$/,
    content: ([name]) => `User's name is ${name}.`,
    key: () => 'user.name',
    proper: true,
  },
  {
    kind: 'fact',
    match: /^i(?: am|'m) allergic to ([a-z][a-z -]{0,40})$/,
    content: ([what]) => `User is allergic to ${what}.`,
    key: ([what]) => `user.allergy.${slot(what)}`,
  },
  {
    kind: 'fact',
    match: /^i(?: am|'m) (?:a )?(vegetarian|vegan|pescatarian|gluten[- ]free|lactose intolerant)$/,
    content: ([diet]) => `User is ${diet}.`,
    key: () => 'user.diet',
  },
  {
    kind: 'fact',
    match: /^i(?: now)? live in ([a-z][a-z ,.'-]{0,60})$/,
    content: ([place]) => `User lives in ${place}.`,
    key: () => 'user.location',
    proper: true,
  },
  {
    kind: 'fact',
    match: /^i(?: now)? work (?:at|for) ([a-z0-9][a-z0-9 &.'-]{0,60})$/,
    content: ([employer]) => `User works at ${employer}.`,
    key: () => 'user.employer',
    proper: true,
  },
  {
    kind: 'fact',
    match: /^i(?: now)? work as (?:an? )?([a-z][a-z -]{0,40})$/,
    content: ([job]) => `User works as ${/^[aeiou]/i.test(job) ? 'an' : 'a'} ${job}.`,
    key: () => 'user.occupation',
  },
  {
    kind: 'preference',
    match: /^my favou?rite ([a-z]+(?: [a-z]+)?) is ([a-z0-9][a-z0-9 '-]{0,40})$/,
    content: ([thing, value]) => `User's favorite ${thing} is ${value}.`,
    key: ([thing]) => `user.favorite.${slot(thing)}`,
  },
  {
    kind: 'preference',
    match: /^i (?:really )?(?:like|love|enjoy|prefer) ([a-z0-9][a-z0-9 '-]{0,60})$/,
    content: ([what]) => `User likes ${what}.`,
    key: null,
  },
  {
    kind: 'preference',
    match: /^i (?:really )?(?:dislike|hate|can't stand|don't like) ([a-z0-9][a-z0-9 '-]{0,60})$/,
    content: ([what]) => `User dislikes ${what}.`,
    key: null,
  },
  {
    kind: 'plan',
    match: /^i(?: am|'m) (?:going|planning) to ([a-z][a-z0-9 ,'-]{2,80})$/,
    content: ([plan]) => `User plans to ${plan}.`,
    key: null,
  },
];

/** Words that make a statement conditional, reported, or not the user's own. */
const HEDGES =
  /\b(if|maybe|perhaps|probably|might|would|could|should|not|never|no longer|wish|pretend|imagine|joking|kidding|said|says|told|thinks?|used to)\b/;

/** Captures that point at something said before rather than naming it. */
const REFERENCES = /^(it|that|this|these|those|them|him|her|you|something|anything|everything|nothing)$/;

/** What a conversation is split into; a fact never spans two sentences. */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0 && sentence.length <= 200);
}

/**
 * The extractor that needs no model. It reads only what users say about themselves in a few
 * fixed shapes (name, allergies, diet, home, work, favourites, likes, dislikes, plans) and
 * leaves everything else alone: it misses much, on purpose, so that it stores nothing wrong.
 * Questions, quotes, hedged or negated statements, and assistant or tool messages are skipped.
 */
export class OfflineFactExtractor implements FactExtractor {
  readonly name = 'offline' as const;

  extract(messages: TranscriptMessage[]): Promise<ExtractedFact[]> {
    const facts: ExtractedFact[] = [];
    const seen = new Set<string>();
    for (const message of messages) {
      if (message.role !== 'user') {
        continue;
      }
      for (const sentence of sentences(message.content)) {
        const fact = this.read(sentence);
        if (fact && !seen.has(fact.content)) {
          seen.add(fact.content);
          facts.push({ ...fact, messages: [message.index] });
        }
      }
    }
    return Promise.resolve(facts);
  }

  private read(sentence: string): Omit<ExtractedFact, 'messages'> | null {
    if (/[?"“”«»]/.test(sentence)) {
      return null;
    }
    const original = sentence
      .replace(/[.!;]+$/, '')
      .replace(/\s+/g, ' ')
      .replace(/’/g, "'");
    const lower = original.toLowerCase();
    if (HEDGES.test(lower)) {
      return null;
    }
    for (const pattern of PATTERNS) {
      const match = pattern.match.exec(lower);
      if (!match) {
        continue;
      }
      // Captures are cut from the original sentence, so names keep their capitals.
      let from = match.index;
      const captures = match.slice(1).map((capture) => {
        const start = lower.indexOf(capture, from);
        from = start + capture.length;
        return original.slice(start, from).trim();
      });
      if (captures.some((capture) => REFERENCES.test(capture.toLowerCase()))) {
        return null;
      }
      if (pattern.proper && !/^\p{Lu}/u.test(captures[0])) {
        return null;
      }
      return { kind: pattern.kind, content: pattern.content(captures), key: pattern.key?.(captures) ?? null };
    }
    return null;
  }
}
