import { FileSource, parseJsonFile } from '@engram/reload';
import { FEATURE_FLAGS, FeatureFlag, FlagsFile, flagsFileSchema } from './feature-flags';
import { FlagsFileInvalidError, FlagsFileIssue } from './flags.errors';

/** The file's flags: only those it sets (the others fall through to their defaults). */
export type FileFlags = Partial<Record<FeatureFlag, boolean>>;

/** Parses and validates the flags file; every problem becomes a FlagsFileInvalidError issue. */
export function parseFlagsFile(source: Pick<FileSource, 'file' | 'text'>): { value: FileFlags; version: string } {
  const fail = (issues: FlagsFileIssue[]): never => {
    throw new FlagsFileInvalidError(source.file, issues);
  };
  const parsed = parseJsonFile(source.text, flagsFileSchema);
  if (!parsed.success) {
    return fail(parsed.issues);
  }
  const document: FlagsFile = parsed.data;
  const value: FileFlags = {};
  for (const flag of FEATURE_FLAGS) {
    const set = document.flags[flag];
    if (set !== undefined) {
      value[flag] = set;
    }
  }
  return { value, version: String(document.version) };
}
