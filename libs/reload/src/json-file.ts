import { z } from 'zod';

/** One problem of a configuration file: where (`(file)` for the whole, a dotted path otherwise) and what. */
export interface FileIssue {
  path: string;
  message: string;
}

export type ParsedJsonFile<T> = { success: true; data: T } | { success: false; issues: FileIssue[] };

/**
 * A hot-reloaded file's text as JSON checked by `schema`: empty, not JSON, or every schema
 * issue with its path, so an operator sees all that is wrong at once.
 */
export function parseJsonFile<S extends z.ZodType>(text: string, schema: S): ParsedJsonFile<z.infer<S>> {
  if (text.trim() === '') {
    return { success: false, issues: [{ path: '(file)', message: 'is empty' }] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { success: false, issues: [{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      success: false,
      issues: parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
      })),
    };
  }
  return { success: true, data: parsed.data };
}
