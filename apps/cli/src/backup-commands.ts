import { Command, InvalidArgumentError } from 'commander';

/**
 * `engram backup` and `engram restore` (docs/backup.md). The implementation, with pg and the
 * database layer, is loaded only when one of them runs, so every other command starts fast.
 */
const implementation = () => import('./backup');
const config = async () => (await import('@engram/config')).parseConfig(process.env);

function atLeastOne(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError('must be a whole number ≥ 1');
  }
  return number;
}

/** A BackupError is one line on stderr and its exit code; anything else is main's to report. */
async function reported(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof Error && error.name === 'BackupError') {
      process.stderr.write(`engram: ${error.message}\n`);
      process.exitCode = (error as Error & { exitCode: number }).exitCode;
      return;
    }
    throw error;
  }
}

const EXIT_HELP = `
Exit codes:
  0  done (a restore: verified against the manifest)
  1  pg_dump or pg_restore failed, or the database could not be reached (stderr says why)
  2  bad usage or input: no such file, a damaged file or manifest, a non-empty target,
     a data directory in use, a pg_dump older than the server
  5  the restored database does not match the backup's manifest`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      "back up the database with a manifest: pg_dump (DATABASE_URL) or PGlite's data directory (ENGRAM_DATA_DIR)",
    )
    .option('-o, --output <file|dir>', 'a file, or a directory for a timestamped engram-<UTC time> name', '.')
    .option('--keep <n>', 'then keep only the newest N backups in that directory', atLeastOne)
    .option('--pg-bin <dir>', 'where pg_dump is (default: PATH, then /usr/lib/postgresql/<major>/bin)')
    .option('--json', 'print the file, its manifest and what was pruned')
    .addHelpText('after', EXIT_HELP)
    .action((options: { output: string; keep?: number; pgBin?: string; json?: boolean }) =>
      reported(async () => {
        const { backup, manifestPathOf, summarize } = await implementation();
        const { file, manifest, pruned } = await backup(await config(), options);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ file, manifest, pruned }, null, 2)}\n`);
          return;
        }
        process.stdout.write(`backup ${file} (${manifest.file.bytes} bytes): ${summarize(manifest)}\n`);
        process.stdout.write(`manifest ${manifestPathOf(file)}\n`);
        for (const name of pruned) {
          process.stdout.write(`pruned ${name}\n`);
        }
      }),
    );

  program
    .command('restore <file>')
    .description('restore a backup into an empty database or data directory, then verify it against its manifest')
    .option(
      '--clean',
      "replace what the target holds (Postgres: drops the backup's objects first; embedded: keeps the old directory beside it)",
    )
    .option('--pg-bin <dir>', 'where pg_restore is (default: PATH, then /usr/lib/postgresql/<major>/bin)')
    .option('--json', "print the restored database's description")
    .addHelpText('after', EXIT_HELP)
    .action((file: string, options: { clean?: boolean; pgBin?: string; json?: boolean }) =>
      reported(async () => {
        const { restore, summarize } = await implementation();
        const result = await restore(await config(), file, options);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        if (result.createdRole) {
          process.stdout.write(`created the role ${result.manifest.app_role.name} (roles are not in a dump)\n`);
        }
        if (result.replaced) {
          process.stdout.write(`the database that was there is now ${result.replaced} (remove it when done)\n`);
        }
        process.stdout.write(`restored ${file}: ${summarize(result.manifest)}; verified against its manifest\n`);
      }),
    );
}
