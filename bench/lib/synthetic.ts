/**
 * Deterministic synthetic text for the benches: the same inputs on every run and machine, so
 * numbers (and cached model vectors) compare.
 */

/**
 * Notes with a Zipf-like vocabulary (a few very common words, a long tail of rare ones), like
 * natural language: a uniform small vocabulary would make every query match half the corpus, a
 * huge uniform one would make every word rare. Used where lexical statistics matter (search).
 */
const ZIPF_VOCABULARY = Array.from({ length: 5000 }, (_, i) => {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'shi', 'den', 'par', 'qua', 'zel'];
  let word = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / 12)) {
    word += syllables[n % 12];
  }
  return word;
});

/** Names the generators below: part of the key of anything computed from their output. */
export const ZIPF_NOTES_GENERATOR = 'zipf-notes-14w-v1';

export function rng(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Rank r is drawn with probability ~ 1/r (Zipf, s = 1) by inverting the harmonic CDF. */
function zipfWord(random: () => number): string {
  const rank = Math.floor(Math.exp(random() * Math.log(ZIPF_VOCABULARY.length)));
  return ZIPF_VOCABULARY[Math.min(ZIPF_VOCABULARY.length - 1, rank - 1)];
}

/** Memory n: "Note n:" and 14 Zipf words. */
export function zipfNote(n: number): string {
  const random = rng(n + 1);
  return `Note ${n}: ${Array.from({ length: 14 }, () => zipfWord(random)).join(' ')}.`;
}

/** Query i: 4 Zipf words from the same distribution as the notes. */
export function zipfQuery(i: number): string {
  const random = rng(1_000_003 + i);
  return Array.from({ length: 4 }, () => zipfWord(random)).join(' ');
}

const ENGLISH_VOCABULARY = (
  'the user prefers short answers and asks about deployment schedules database migrations weekly reports ' +
  'travel plans for the conference in Lisbon budget reviews with the finance team a bug in the login page ' +
  'that appears after password resets dark mode settings meeting notes from Tuesday customer feedback on ' +
  'pricing the new onboarding flow memory limits of the worker nodes and a reminder to renew certificates'
).split(' ');

/** Sentences of `words` English words (plus "Note n:"), from a small fixed vocabulary. */
export function englishNotes(count: number, words: number, first = 0): string[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  const all = Array.from(
    { length: first + count },
    (_, i) =>
      `Note ${i}: ${Array.from({ length: words }, () => ENGLISH_VOCABULARY[next() % ENGLISH_VOCABULARY.length]).join(' ')}.`,
  );
  return all.slice(first);
}
