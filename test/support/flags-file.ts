import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The committed flags file, as a mutable object for tests to vary. */
export function defaultFlagsFile(): { version: number | string; flags: Record<string, boolean>; [k: string]: unknown } {
  return JSON.parse(readFileSync(join(__dirname, '../../config/feature-flags.json'), 'utf8'));
}

/** The committed file with some flags set (and an optional version). */
export function flagsFileWith(
  flags: Record<string, boolean>,
  version: number | string = 'test',
): Record<string, unknown> {
  const file = defaultFlagsFile();
  return { ...file, version, flags: { ...file.flags, ...flags } };
}

export interface FlagsDir {
  file: string;
  /** Writes a document (or raw text) the way editors do: a temporary file renamed over the old one. */
  write(document: Record<string, unknown> | string): void;
  /** Environment pointing FEATURE_FLAGS_FILE here; no watcher and no polling unless overridden. */
  env(extra?: Record<string, string>): Record<string, string>;
  remove(): void;
}

export function flagsDir(initial: Record<string, unknown> | string = defaultFlagsFile()): FlagsDir {
  const dir = mkdtempSync(join(tmpdir(), 'engram-flags-'));
  const file = join(dir, 'feature-flags.json');
  let writes = 0;
  const handle: FlagsDir = {
    file,
    write(document) {
      const next = join(dir, `.next-${writes++}.tmp`);
      writeFileSync(next, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
      renameSync(next, file);
    },
    env(extra = {}) {
      return { FEATURE_FLAGS_FILE: file, FLAGS_WATCH: 'false', FLAGS_POLL_INTERVAL_MS: '0', ...extra };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  handle.write(initial);
  return handle;
}
