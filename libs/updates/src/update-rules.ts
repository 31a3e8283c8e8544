import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { UpdateRulesInvalidError } from './runs.errors';
import { RulesFile, UpdateRule, rulesFileSchema } from './update-rules.schema';

/** One loaded rules file: immutable; a reload builds another and swaps the reference. */
export interface CompiledRules {
  version: string;
  /** First 16 hex digits of the SHA-256 of the file's bytes. */
  hash: string;
  loadedAt: Date;
  document: RulesFile;
  /** Enabled rules, in the order they apply (file order). */
  rules: UpdateRule[];
}

export interface RulesSource {
  file: string;
  text: string;
  hash: string;
}

export function rulesHash(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** The file's bytes, or UpdateRulesInvalidError when it cannot be read (`missing` on ENOENT). */
export async function readRulesSource(file: string): Promise<RulesSource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UpdateRulesInvalidError(`update rules ${file} cannot be read: ${code}`, [
      { path: '(file)', message: `cannot be read: ${code}` },
    ]);
  }
  return { file, text: bytes.toString('utf8'), hash: rulesHash(bytes) };
}

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
  if (source.text.trim() === '') {
    fail([{ path: '(file)', message: 'is empty' }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(source.text);
  } catch (error) {
    fail([{ path: '(file)', message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  const parsed = rulesFileSchema.safeParse(json);
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
      })),
    );
  }
  return {
    version: String(parsed.data.version),
    hash: source.hash,
    loadedAt: new Date(),
    document: parsed.data,
    rules: parsed.data.rules.filter((rule) => rule.enabled),
  };
}

/** What is in force when no file exists at boot: no rules (a file added later is picked up). */
export function noRules(): CompiledRules {
  return {
    version: 'none',
    hash: rulesHash(''),
    loadedAt: new Date(),
    document: { version: 'none', rules: [] },
    rules: [],
  };
}
