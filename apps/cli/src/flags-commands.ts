import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigValidationError, EngramConfig, parseConfig } from '@engram/config';

/**
 * `engram flags get <flag>` and `engram flags list`: the platform's flags as a server started
 * here would see them (FEATURE_FLAGS_FILE and the environment overrides; tenant overrides live in
 * the database and are not applied). For scripts that gate on a flag, e.g. ops/chaos/run.
 */
export function registerFlagsCommands(program: Command): void {
  const flags = program
    .command('flags')
    .description("the platform's feature flags (file + environment; docs/flags.md)");
  flags
    .command('get <flag>')
    .description('print true or false: the flag as the server would see it (tenant overrides aside)')
    .action(async (flag: string) => {
      const { isFeatureFlag, FEATURE_FLAGS } = await import('@engram/flags');
      if (!isFeatureFlag(flag)) {
        throw new ConfigValidationError([`no feature flag ${flag} (one of: ${FEATURE_FLAGS.join(', ')})`]);
      }
      const resolved = await platformFlags();
      console.log(String(resolved[flag].enabled));
    });
  flags
    .command('list')
    .description('every flag with its value and where it came from (default, file, env)')
    .action(async () => {
      for (const [flag, { enabled, source }] of Object.entries(await platformFlags())) {
        console.log(`${flag}\t${enabled}\t${source}`);
      }
    });
}

async function platformFlags() {
  const { FEATURE_FLAGS, FlagsFileInvalidError, envFlags, parseFlagsFile, resolveFlag } = await import('@engram/flags');
  const config = parseConfig(process.env);
  const file = resolve(process.cwd(), config.FEATURE_FLAGS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigValidationError([
      `FEATURE_FLAGS_FILE: ${file} cannot be read: ${(error as NodeJS.ErrnoException).code}`,
    ]);
  }
  let fileFlags;
  try {
    fileFlags = parseFlagsFile({ file, text }).value;
  } catch (error) {
    if (error instanceof FlagsFileInvalidError) {
      throw new ConfigValidationError(error.issues.map((issue) => `${file}: ${issue.path}: ${issue.message}`));
    }
    throw error;
  }
  const env = envFlags((name) => config[name as keyof EngramConfig]);
  return Object.fromEntries(FEATURE_FLAGS.map((flag) => [flag, resolveFlag(flag, { env, file: fileFlags })]));
}
