/**
 * What Postgres cannot store, or what would exhaust the stack before validation could refuse it.
 * `text` and `jsonb` reject NUL (`invalid byte sequence for encoding "UTF8": 0x00`, and jsonb
 * also `\u0000`), jsonb rejects a lone surrogate escape, and zod validates nested JSON by
 * recursion, so a body nested a few thousand levels deep overflows the stack. Each of those used
 * to surface as a 500 after part of the work was done; checked first, they are a 400.
 */

/** Deeper than any document a client has a reason to send; far below what overflows the stack. */
export const MAX_INPUT_DEPTH = 64;

export interface UnstorableInput {
  /** Where in the input: keys and array indices, as in zod issue paths. */
  path: (string | number)[];
  reason: 'nul_character' | 'lone_surrogate' | 'too_deep';
  message: string;
}

/** A UTF-16 surrogate that is not half of a pair (`\p{Cs}` under /u matches only those). */
const LONE_SURROGATE = /\p{Cs}/u;

function textProblem(text: string): Pick<UnstorableInput, 'reason' | 'message'> | undefined {
  if (text.includes('\u0000')) {
    return { reason: 'nul_character', message: 'must not contain NUL (\\u0000) characters' };
  }
  if (LONE_SURROGATE.test(text)) {
    return { reason: 'lone_surrogate', message: 'must be well-formed Unicode (a lone surrogate was found)' };
  }
  return undefined;
}

/**
 * The first part of `input` that cannot be stored: a string or object key with NUL or a lone
 * surrogate, or containers nested deeper than MAX_INPUT_DEPTH. Iterative, so any depth is safe.
 */
export function findUnstorableInput(input: unknown): UnstorableInput | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) {
        return { path, ...problem };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') {
      continue;
    }
    if (path.length >= MAX_INPUT_DEPTH) {
      return { path, reason: 'too_deep', message: `must not be nested deeper than ${MAX_INPUT_DEPTH} levels` };
    }
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], path: [...path, index] });
      }
      continue;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index];
      const problem = textProblem(key);
      if (problem) {
        return { path: [...path, key], ...problem, message: `keys ${problem.message}` };
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}
