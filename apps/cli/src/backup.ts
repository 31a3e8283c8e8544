import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  openAsBlob,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import { EngramConfig } from '@engram/config';
import {
  BackupManifest,
  DatabaseDescription,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  compareWithManifest,
  describeDatabase,
  engramVersion,
  fixSessionForChecksums,
} from './backup-manifest';

/**
 * `engram backup` and `engram restore` (docs/backup.md). Postgres (DATABASE_URL): pg_dump's
 * custom format, restored by pg_restore into an empty database in one transaction. Embedded
 * (ENGRAM_DATA_DIR): PGlite's own tarball of its data directory, loaded into a staging
 * directory and swapped in only once verified. Either way a manifest beside the file records
 * every table's row count and checksum and the security setup, and a restore is checked
 * against it.
 */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** The restored database does not match the backup's manifest. */
export const EXIT_VERIFY = 5;

export class BackupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupOptions {
  output: string;
  keep?: number;
  pgBin?: string;
  json?: boolean;
}

export interface RestoreOptions {
  clean?: boolean;
  pgBin?: string;
  json?: boolean;
}

/**
 * The database layer (with Nest) and the migrations (with TypeORM) load only once a file has
 * passed its checks: a refusal costs a fraction of a second.
 */
const dbLayer = () => import('@engram/db');
const migrationNames = async () =>
  (await import('@engram/migrations')).MIGRATIONS.map((MigrationClass) => new MigrationClass().name);

const MANIFEST_SUFFIX = '.manifest.json';
/** The names `engram backup` gives in a directory, and the only files `--keep` ever deletes. */
const BACKUP_NAME = /^engram-(\d{8}T\d{6}Z)\.(dump|tar\.gz)$/;

/**
 * Postgres itself: DATABASE_DIRECT_URL when DATABASE_URL is a pooler (PgBouncer in transaction
 * mode would split pg_dump's session, and the snapshot it imports must be exported on the same
 * server), as migrations do.
 */
const postgresUrl = (config: EngramConfig) => config.DATABASE_DIRECT_URL ?? config.DATABASE_URL!;

export const manifestPathOf = (file: string) => `${file}${MANIFEST_SUFFIX}`;

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export interface BackupResult {
  file: string;
  manifest: BackupManifest;
  /** --keep: the older backups deleted. */
  pruned: string[];
}

export async function backup(config: EngramConfig, options: BackupOptions): Promise<BackupResult> {
  const kind = config.DATABASE_URL ? 'postgres' : 'pglite';
  const createdAt = new Date();
  const { file, directory } = outputPath(options.output, kind, createdAt);
  if (options.keep !== undefined && directory === null) {
    throw new BackupError('--keep needs --output to be a directory (the backups to prune live there)');
  }
  if (existsSync(file)) {
    throw new BackupError(`${file} exists: a backup never overwrites a file (choose another --output)`);
  }
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    const made =
      kind === 'postgres'
        ? await dumpPostgres(postgresUrl(config), config.DATABASE_APP_ROLE, partial, options.pgBin)
        : await dumpPglite(config.ENGRAM_DATA_DIR, config.DATABASE_APP_ROLE, partial);
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      format_version: MANIFEST_VERSION,
      kind,
      created_at: createdAt.toISOString(),
      engram_version: engramVersion(),
      ...(made.pgDumpVersion ? { pg_dump_version: made.pgDumpVersion } : {}),
      file: { name: basename(file), bytes: statSync(partial).size, sha256: await sha256(partial) },
      ...made.description,
    };
    // The manifest first: a file under the final name always has its manifest.
    writeFileSync(manifestPathOf(file), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(partial, file);
    // Only after a backup succeeded: a failing one never costs an old one.
    const pruned = options.keep !== undefined && directory !== null ? pruneBackups(directory, options.keep) : [];
    return { file, manifest, pruned };
  } finally {
    rmSync(partial, { force: true });
  }
}

/** `--output`: a directory (existing, or written with a trailing slash) gets a timestamped name. */
function outputPath(output: string, kind: 'postgres' | 'pglite', at: Date): { file: string; directory: string | null } {
  const path = resolve(output);
  const isDirectory = /[/\\]$/.test(output) || (existsSync(path) && statSync(path).isDirectory());
  if (!isDirectory) {
    return { file: path, directory: null };
  }
  return { file: join(path, `engram-${stamp(at)}.${kind === 'postgres' ? 'dump' : 'tar.gz'}`), directory: path };
}

/**
 * Keeps the newest `keep` backups `engram backup` named in `directory` and deletes the older
 * ones with their manifests. Other files are never touched. Returns the names deleted.
 */
export function pruneBackups(directory: string, keep: number): string[] {
  const backups = readdirSync(directory)
    .map((name) => ({ name, match: BACKUP_NAME.exec(name) }))
    .filter((entry) => entry.match !== null)
    .sort((a, b) => b.match![1].localeCompare(a.match![1]) || a.name.localeCompare(b.name));
  const deleted: string[] = [];
  for (const { name } of backups.slice(keep)) {
    rmSync(join(directory, name), { force: true });
    rmSync(join(directory, manifestPathOf(name)), { force: true });
    deleted.push(name);
  }
  return deleted;
}

interface Dumped {
  description: DatabaseDescription;
  pgDumpVersion?: string;
}

/**
 * pg_dump inside a snapshot this client exported, and the manifest computed in the same
 * snapshot: with the service writing during the backup, the manifest still describes exactly
 * the rows the dump holds.
 */
async function dumpPostgres(url: string, appRole: string, target: string, pgBin?: string): Promise<Dumped> {
  const client = await connect(url);
  try {
    const serverMajor = await majorOf(client);
    const pgDump = await findTool('pg_dump', serverMajor, pgBin, `a PostgreSQL ${serverMajor} server`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ snapshot }] = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows;
    await fixSessionForChecksums(client);
    const description = await describeDatabase(client, appRole).catch((error: unknown) => {
      // 42501: row-level security or a missing grant hides rows from this user; pg_dump would fail the same way.
      if ((error as { code?: string }).code === '42501') {
        throw new BackupError(
          `the database user may not read every row (${(error as Error).message}): ` +
            'back up as the owner of the tables (the user migrations run as) or a superuser',
        );
      }
      throw error;
    });
    const { url: bareUrl, env } = withoutPassword(url);
    await run(
      pgDump.path,
      ['--format=custom', `--snapshot=${snapshot}`, `--file=${target}`, `--dbname=${bareUrl}`],
      env,
    );
    await client.query('COMMIT');
    return { description, pgDumpVersion: pgDump.version };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * PGlite's own dump of its data directory, taken under the directory's lock: a server holding
 * it makes this a DataDirLockedError (exit 2), and nothing can write while the copy is made.
 */
async function dumpPglite(dataDir: string, appRole: string, target: string): Promise<Dumped> {
  const { lockDataDir, openEmbeddedPostgres, pgliteDirOf } = await dbLayer();
  const pgliteDir = pgliteDirOf(dataDir);
  if (!existsSync(join(pgliteDir, 'PG_VERSION'))) {
    throw new BackupError(`no embedded database in ${resolve(dataDir)} (ENGRAM_DATA_DIR; DATABASE_URL is unset)`);
  }
  const lock = await lockDataDir(dataDir);
  try {
    const embedded = await openEmbeddedPostgres(pgliteDir);
    try {
      const client = await connect(embedded.url);
      let description: DatabaseDescription;
      try {
        await fixSessionForChecksums(client);
        description = await describeDatabase(client, appRole);
      } finally {
        await client.end().catch(() => undefined);
      }
      const tarball = await embedded.dumpDataDir();
      writeFileSync(target, Buffer.from(await tarball.arrayBuffer()));
      return { description };
    } finally {
      await embedded.stop();
    }
  } finally {
    lock.release();
  }
}

export interface RestoreResult {
  manifest: BackupManifest;
  restored: DatabaseDescription;
  /** Embedded --clean: where the data directory that was replaced now is. */
  replaced?: string;
  /** Postgres: the app role did not exist on this server and was created. */
  createdRole?: boolean;
}

/**
 * Checks the file against its manifest before touching anything: it exists, its manifest
 * parses, its sha256 matches, it is for this kind of database and for migrations this build
 * knows. Then restores and verifies; a mismatch is EXIT_VERIFY.
 */
export async function restore(config: EngramConfig, file: string, options: RestoreOptions): Promise<RestoreResult> {
  const path = resolve(file);
  const manifest = await readManifest(path);
  const kind = config.DATABASE_URL ? 'postgres' : 'pglite';
  if (manifest.kind !== kind) {
    throw new BackupError(
      manifest.kind === 'postgres'
        ? `${path} is a Postgres backup (pg_dump): set DATABASE_URL to the database to restore it into`
        : `${path} is an embedded (PGlite) backup: unset DATABASE_URL and set ENGRAM_DATA_DIR to restore it`,
    );
  }
  const known = await migrationNames();
  if (manifest.migration.latest !== null && !known.includes(manifest.migration.latest)) {
    throw new BackupError(
      `${path} was made by engram ${manifest.engram_version} at migration ${manifest.migration.latest}, ` +
        `which this engram (${engramVersion()}) does not know: restore it with that version or a newer one`,
    );
  }
  const result =
    kind === 'postgres'
      ? await restorePostgres(postgresUrl(config), path, manifest, options)
      : await restorePglite(config.ENGRAM_DATA_DIR, path, manifest, options);
  return { manifest, ...result };
}

async function readManifest(path: string): Promise<BackupManifest> {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new BackupError(`no backup file ${path}`);
  }
  const manifestPath = manifestPathOf(path);
  if (!existsSync(manifestPath)) {
    throw new BackupError(
      `no manifest ${manifestPath}: a backup is restored with the manifest \`engram backup\` wrote beside it`,
    );
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BackupError(`the manifest ${manifestPath} is not JSON: ${(error as Error).message}`);
  }
  if (manifest?.format !== MANIFEST_FORMAT || manifest.format_version !== MANIFEST_VERSION) {
    throw new BackupError(`${manifestPath} is not an engram backup manifest (format ${MANIFEST_VERSION})`);
  }
  const digest = await sha256(path);
  if (digest !== manifest.file.sha256) {
    throw new BackupError(
      `${path} is damaged: its sha256 is ${digest}, the manifest records ${manifest.file.sha256} ` +
        `(${statSync(path).size} bytes, the manifest says ${manifest.file.bytes}); nothing was restored`,
    );
  }
  return manifest;
}

async function restorePostgres(
  url: string,
  path: string,
  manifest: BackupManifest,
  options: RestoreOptions,
): Promise<Omit<RestoreResult, 'manifest'>> {
  const client = await connect(url);
  try {
    const dumpMajor = Number(/(\d+)/.exec(manifest.pg_dump_version ?? '')?.[1] ?? 0);
    const pgRestore = await findTool('pg_restore', dumpMajor, options.pgBin, `a pg_dump ${dumpMajor} archive`);
    const { url: bareUrl, env } = withoutPassword(url);
    // Reads the archive's table of contents: a file that is not a custom-format dump fails here.
    const toc = await run(pgRestore.path, ['--list', path], env);

    if (!options.clean) {
      const found = await userObjects(client);
      if (found.length) {
        throw new BackupError(
          `the target database ${await currentDatabase(client)} is not empty (${found.join(', ')}${found.length === 5 ? ', …' : ''}): ` +
            'restore into an empty database, or pass --clean to replace what it holds',
        );
      }
    }
    // A backup from before the app-role migration has none to set up.
    const createdRole = manifest.app_role.exists && (await ensureAppRole(client, manifest.app_role.name));

    // Default privileges name the role that granted them (FOR ROLE <owner>), which may not
    // exist here: they are left out of the archive's list and granted again for the restoring
    // user, as the app-role migration does. Comments on extensions need the extension's owner
    // (a provider's preinstalled pgvector) and say only what the extension says of itself.
    const listFile = `${path}.restore-list.${process.pid}`;
    writeFileSync(
      listFile,
      toc
        .split('\n')
        .filter((line) => !/^\d+;.* (DEFAULT ACL|COMMENT - EXTENSION) /.test(line))
        .join('\n'),
    );
    try {
      await run(
        pgRestore.path,
        [
          '--single-transaction',
          '--exit-on-error',
          '--no-owner',
          ...(options.clean ? ['--clean', '--if-exists'] : []),
          `--use-list=${listFile}`,
          `--dbname=${bareUrl}`,
          path,
        ],
        env,
      );
    } finally {
      rmSync(listFile, { force: true });
    }
    await grantDefaultPrivileges(client, manifest.app_role.name, manifest.app_role.default_privileges);

    await fixSessionForChecksums(client);
    const restored = await describeDatabase(client, manifest.app_role.name);
    verify(manifest, restored, 'the target database now holds the restored data that does not match: do not serve it');
    return { restored, createdRole };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Tables, views, sequences and functions outside the system schemas that no extension owns (at most 5). */
async function userObjects(client: Client): Promise<string[]> {
  const result = await client.query<{ object: string }>(
    `(SELECT 1 AS kind, format('%I.%I', n.nspname, c.relname) AS object
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      UNION ALL
      SELECT 2, format('function %s', p.oid::regprocedure)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
     ORDER BY 1, 2 LIMIT 5`,
  );
  return result.rows.map((row) => row.object);
}

async function currentDatabase(client: Client): Promise<string> {
  return (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0].name;
}

/**
 * Roles belong to the server, not to the database, so pg_dump does not carry them: on a new
 * server the app role is created as the app-role migration creates it (no login, no superuser,
 * no BYPASSRLS), and the restoring user, which the service connects as, may SET ROLE to it.
 * True when the role was created.
 */
async function ensureAppRole(client: Client, role: string): Promise<boolean> {
  const name = escapeIdentifier(role);
  const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
  if (!exists) {
    await client.query(`CREATE ROLE ${name} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT`);
  }
  const [{ member }] = (
    await client.query<{ member: boolean }>(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS member`, [role])
  ).rows;
  if (!member) {
    await client.query(`GRANT ${name} TO CURRENT_USER`);
  }
  return !exists;
}

const OBJECT_TYPES: Record<string, string> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES', n: 'SCHEMAS' };

async function grantDefaultPrivileges(client: Client, role: string, privileges: string[]): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const entry of privileges) {
    const [type, privilege] = entry.split(':');
    byType.set(type, [...(byType.get(type) ?? []), privilege]);
  }
  for (const [type, list] of byType) {
    const objects = OBJECT_TYPES[type];
    if (!objects || !list.every((privilege) => /^[A-Z]+$/.test(privilege))) {
      throw new BackupError(
        `the manifest lists a default privilege this engram cannot grant: ${type}:${list.join(',')}`,
      );
    }
    await client.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ${list.join(', ')} ON ${objects} TO ${escapeIdentifier(role)}`,
    );
  }
}

/**
 * Loads the tarball into `<data dir>/pglite.restoring`, verifies it there, and only then moves
 * it to `<data dir>/pglite`, all under the data directory's lock: a failure at any step leaves
 * the data directory as it was, and no server can start on a half-restored one.
 */
async function restorePglite(
  dataDir: string,
  path: string,
  manifest: BackupManifest,
  options: RestoreOptions,
): Promise<Omit<RestoreResult, 'manifest'>> {
  const { lockDataDir, openEmbeddedPostgres, pgliteDirOf } = await dbLayer();
  const lock = await lockDataDir(dataDir);
  try {
    const target = pgliteDirOf(dataDir);
    const occupied = existsSync(target) && readdirSync(target).length > 0;
    if (occupied && !options.clean) {
      throw new BackupError(
        `the data directory ${resolve(dataDir)} already holds a database (${target}): restore into an empty ` +
          'ENGRAM_DATA_DIR, or pass --clean to replace it (the current one is kept beside it)',
      );
    }
    const staging = `${target}.restoring`;
    // Left by an interrupted restore: this process holds the lock, so nothing else uses it.
    rmSync(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    let restored: DatabaseDescription;
    try {
      const embedded = await openEmbeddedPostgres(staging, { loadDataDir: await openAsBlob(path) });
      try {
        const client = await connect(embedded.url);
        try {
          await fixSessionForChecksums(client);
          restored = await describeDatabase(client, manifest.app_role.name);
        } finally {
          await client.end().catch(() => undefined);
        }
      } finally {
        await embedded.stop();
      }
      verify(manifest, restored, `nothing was changed in ${resolve(dataDir)}`);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    let replaced: string | undefined;
    if (existsSync(target)) {
      if (occupied) {
        replaced = `${target}.replaced-${stamp(new Date())}`;
        renameSync(target, replaced);
      } else {
        rmSync(target, { recursive: true, force: true });
      }
    }
    renameSync(staging, target);
    return { restored, replaced };
  } finally {
    lock.release();
  }
}

function verify(manifest: BackupManifest, restored: DatabaseDescription, consequence: string): void {
  const problems = compareWithManifest(manifest, restored);
  if (problems.length) {
    throw new BackupError(
      `the restored database does not match the backup's manifest (${consequence}):\n  ${problems.join('\n  ')}`,
      EXIT_VERIFY,
    );
  }
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'engram-backup' });
  // A dropped connection fails the query in flight; it must not crash the process as well.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new BackupError(`cannot connect to the database: ${(error as Error).message}`, EXIT_FAILED);
  }
  return client;
}

async function majorOf(client: Client): Promise<number> {
  const [{ version }] = (
    await client.query<{ version: string }>(`SELECT current_setting('server_version_num') AS version`)
  ).rows;
  return Math.floor(Number(version) / 10_000);
}

/**
 * The password goes to the tools in PGPASSWORD, not on their command line, where any user of
 * the machine could read it (ps).
 */
function withoutPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { url: parsed.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

interface Tool {
  path: string;
  version: string;
}

/**
 * The first `name` at least `minMajor`: in --pg-bin, on PATH, then Debian's per-major
 * directories (/usr/lib/postgresql/<major>/bin, newest first). pg_dump must be at least the
 * server's major; pg_restore at least that of the pg_dump that wrote the archive.
 */
async function findTool(name: string, minMajor: number, pgBin: string | undefined, forWhat: string): Promise<Tool> {
  const candidates: string[] = [];
  if (pgBin) {
    candidates.push(join(pgBin, name));
  } else {
    for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
      candidates.push(join(dir, name));
    }
    const debian = '/usr/lib/postgresql';
    if (existsSync(debian)) {
      for (const major of readdirSync(debian)
        .filter((entry) => /^\d+$/.test(entry))
        .sort((a, b) => Number(b) - Number(a))) {
        candidates.push(join(debian, major, 'bin', name));
      }
    }
  }
  const seen: string[] = [];
  for (const candidate of candidates.filter((path, i) => existsSync(path) && candidates.indexOf(path) === i)) {
    const version = (await run(candidate, ['--version'], process.env).catch(() => '')).trim();
    const major = Number(/\s(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? 0);
    if (major >= minMajor) {
      return { path: candidate, version };
    }
    seen.push(`${candidate}: ${version || 'no version'}`);
  }
  throw new BackupError(
    seen.length
      ? `${name} ${minMajor} or newer is needed for ${forWhat}; found only ${seen.join('; ')}. ` +
          `Install the PostgreSQL ${minMajor} client (Debian: postgresql-client-${minMajor}) or point --pg-bin at its bin directory`
      : `${name} not found${pgBin ? ` in ${pgBin}` : ' on PATH'}: install the PostgreSQL ${minMajor} client ` +
          `(Debian: postgresql-client-${minMajor}) or point --pg-bin at its bin directory`,
  );
}

/** Runs a tool to completion; its stdout, or a BackupError with its stderr. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', (error) => reject(new BackupError(`cannot run ${command}: ${error.message}`, EXIT_FAILED)));
    child.once('close', (code) => {
      if (code === 0) {
        resolvePromise(Buffer.concat(stdout).toString('utf8'));
      } else {
        const message = Buffer.concat(stderr).toString('utf8').trim();
        reject(new BackupError(`${basename(command)} failed (exit ${code}): ${message}`, EXIT_FAILED));
      }
    });
  });
}

function sha256(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** Human lines for a backup or a restore; `--json` prints the manifest instead. */
export function summarize(manifest: BackupManifest): string {
  const rowCount = manifest.tables.reduce((sum, table) => sum + table.rows, 0);
  return `${manifest.tables.length} tables, ${rowCount} rows, migration ${manifest.migration.latest ?? '(none)'}`;
}
