import { FileSource, contentHash, parseJsonFile } from '@engram/reload';
import { UpdateRulesInvalidError } from './runs.errors';
import { RulesFile, UpdateRule, rulesFileSchema } from './update-rules.schema';

/** One loaded rules file: immutable; a reload builds another and swaps the reference. */
export interface CompiledRules {
  version: string;
  /** First 16 hex digits of the SHA-256 of the file's bytes. */
  hash: string;
  document: RulesFile;
  /** Enabled rules, in the order they apply (file order). */
  rules: UpdateRule[];
}

export type RulesSource = FileSource;

/** First 16 hex digits of the SHA-256 of the bytes, as HotReloadedFile hashes the file. */
export const rulesHash = contentHash;

/** Parses and validates a rules file; every problem found is listed in the error's issues. */
export function compileRules(source: RulesSource): CompiledRules {
  const fail = (issues: { path: string; message: string }[]): never => {
    throw new UpdateRulesInvalidError(
      `update rules ${source.file} are invalid: ${issues
        .slice(0, 5)
        .map((issue) => `${issue.path} ${issue.message}`)
        .join('; ')}`,
      issues,
    );
  };
  const parsed = parseJsonFile(source.text, rulesFileSchema);
  if (!parsed.success) {
    return fail(parsed.issues);
  }
  return {
    version: String(parsed.data.version),
    hash: source.hash,
    document: parsed.data,
    rules: parsed.data.rules.filter((rule) => rule.enabled),
  };
}
