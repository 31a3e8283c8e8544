import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'pg';

/**
 * What a backup says about the database it was taken from, written beside it as
 * `<file>.manifest.json`, and what `engram restore` checks the restored database against:
 * every table's row count and content checksum, the schema objects, and the security setup
 * the service depends on (row-level security, its policies, the app role's grants).
 */
export const MANIFEST_FORMAT = 'engram-backup';
export const MANIFEST_VERSION = 1;

export interface TableManifest {
  /** schema.table */
  name: string;
  rows: number;
  /** Order-independent: the sum of the first 60 bits of md5(row::text) over every row. */
  checksum: string;
  rls: boolean;
  force_rls: boolean;
  /** `name command permissive roles`, sorted. */
  policies: string[];
  /** Table privileges the app role holds (SELECT, INSERT, …); empty without an app role. */
  app_grants: string[];
}

export interface SequenceManifest {
  name: string;
  last_value: string | null;
  app_grants: string[];
}

export interface AppRoleManifest {
  name: string;
  exists: boolean;
  superuser: boolean;
  bypassrls: boolean;
  schema_usage: boolean;
  /** `<object type>:<privilege>` from ALTER DEFAULT PRIVILEGES, e.g. `r:SELECT`. */
  default_privileges: string[];
}

export interface DatabaseDescription {
  server_version: string;
  migration: { latest: string | null; applied: number };
  app_role: AppRoleManifest;
  tables: TableManifest[];
  sequences: SequenceManifest[];
  /**
   * Indexes, constraints and triggers as `table kind name`, functions as `function signature
   * execute=…`. NOT NULL constraints are left out: Postgres 18 lists them, earlier majors do not.
   */
  schema_objects: string[];
}

export interface BackupManifest extends DatabaseDescription {
  format: typeof MANIFEST_FORMAT;
  format_version: typeof MANIFEST_VERSION;
  kind: 'postgres' | 'pglite';
  created_at: string;
  engram_version: string;
  /** `pg_dump --version` of the dump's maker (Postgres only): pg_restore must be at least as new. */
  pg_dump_version?: string;
  file: { name: string; bytes: number; sha256: string };
}

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];
const SEQUENCE_PRIVILEGES = ['USAGE', 'SELECT', 'UPDATE'];
const USER_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;
/** Objects an extension created (pgvector's, btree_gin's) are the extension's, not the backup's. */
const NOT_FROM_EXTENSION = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

type Row = Record<string, string | null>;
/** Sorted here, not in SQL: the same order whatever the databases' collations. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rows = async (client: Client, sql: string, params: unknown[] = []) => (await client.query<Row>(sql, params)).rows;

/**
 * Row text depends on session settings (time zone, float digits, date style): fixed here, so a
 * checksum means the same on the server that made the backup and the one that restored it.
 * row_security off makes a role that RLS would filter fail instead of counting a subset.
 */
export async function fixSessionForChecksums(client: Client): Promise<void> {
  await client.query(
    `SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; ` +
      `SET extra_float_digits = 1; SET bytea_output = 'hex'; SET row_security = off`,
  );
}

/**
 * The description of the database `client` is connected to. Runs as one reader: inside the
 * transaction whose snapshot pg_dump uses, it describes exactly what the dump holds.
 *
 * The checksum is a sum of per-row hashes rather than md5(string_agg(… ORDER BY pk)): the same
 * strength against a lost, duplicated or changed row, without sorting the table or building a
 * string that Postgres caps at 1 GB.
 */
export async function describeDatabase(client: Client, appRoleName: string): Promise<DatabaseDescription> {
  const [{ server_version }] = await rows(client, `SELECT current_setting('server_version') AS server_version`);
  const role = (
    await rows(
      client,
      `SELECT rolsuper::text AS superuser, rolbypassrls::text AS bypassrls,
              has_schema_privilege(oid, 'public', 'USAGE')::text AS schema_usage
         FROM pg_roles WHERE rolname = $1`,
      [appRoleName],
    )
  )[0];
  const roleExists = role !== undefined;
  const defaultPrivileges = roleExists
    ? (
        await rows(
          client,
          `SELECT d.defaclobjtype::text || ':' || a.privilege_type AS privilege
             FROM pg_default_acl d CROSS JOIN LATERAL aclexplode(d.defaclacl) a
             JOIN pg_roles r ON r.oid = a.grantee
            WHERE r.rolname = $1 ORDER BY 1`,
          [appRoleName],
        )
      ).map((row) => row.privilege!)
    : [];
  const privilegesOf = (kind: 'table' | 'sequence', names: string[]) =>
    roleExists
      ? `ARRAY(SELECT p FROM unnest(ARRAY['${names.join("','")}']) p WHERE has_${kind}_privilege($1, c.oid, p))::text`
      : `'{}'`;

  const tableRows = await rows(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relrowsecurity::text AS rls,
            c.relforcerowsecurity::text AS force_rls, ${privilegesOf('table', TABLE_PRIVILEGES)} AS grants,
            ARRAY(SELECT format('%s %s %s %s', p.policyname, p.cmd, p.permissive, p.roles)
                    FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname
                   ORDER BY 1)::text AS policies
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_SCHEMAS} AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}
      ORDER BY 1`,
    roleExists ? [appRoleName] : [],
  );
  const tables: TableManifest[] = [];
  tableRows.sort((a, b) => byCodePoint(a.name!, b.name!));
  for (const table of tableRows) {
    // The name comes from format('%I.%I'): already quoted where it needs to be.
    const [content] = await rows(
      client,
      `SELECT count(*)::text AS rows,
              coalesce(sum(('x' || left(md5(t::text), 15))::bit(60)::bigint), 0)::text AS checksum
         FROM ${table.name} AS t`,
    );
    tables.push({
      name: table.name!,
      rows: Number(content.rows),
      checksum: content.checksum!,
      rls: table.rls === 'true',
      force_rls: table.force_rls === 'true',
      policies: pgArray(table.policies).sort(byCodePoint),
      app_grants: pgArray(table.grants),
    });
  }

  const sequenceRows = await rows(
    client,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, ${privilegesOf('sequence', SEQUENCE_PRIVILEGES)} AS grants,
            (SELECT s.last_value::text FROM pg_sequences s WHERE s.schemaname = n.nspname AND s.sequencename = c.relname) AS last_value
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND ${USER_SCHEMAS} AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}
      ORDER BY 1`,
    roleExists ? [appRoleName] : [],
  );
  const sequences = sequenceRows
    .sort((a, b) => byCodePoint(a.name!, b.name!))
    .map((row) => ({
      name: row.name!,
      last_value: row.last_value,
      app_grants: pgArray(row.grants),
    }));

  const schemaObjects = (
    await rows(
      client,
      `SELECT format('%s index %s', i.indrelid::regclass, c.relname) AS object
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE ${USER_SCHEMAS} AND ${NOT_FROM_EXTENSION('pg_class', 'c.oid')}
       UNION ALL
       SELECT format('%s constraint %s %s', co.conrelid::regclass, co.conname, co.contype)
         FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
        WHERE co.conrelid <> 0 AND co.contype <> 'n' AND ${USER_SCHEMAS}
       UNION ALL
       SELECT format('%s trigger %s', tg.tgrelid::regclass, tg.tgname)
         FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT tg.tgisinternal AND ${USER_SCHEMAS}
       UNION ALL
       SELECT format('function %s execute=%s', p.oid::regprocedure,
                     ${roleExists ? `has_function_privilege($1, p.oid, 'EXECUTE')` : `'-'`})
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE ${USER_SCHEMAS} AND ${NOT_FROM_EXTENSION('pg_proc', 'p.oid')}
       ORDER BY 1`,
      roleExists ? [appRoleName] : [],
    )
  )
    .map((row) => row.object!)
    .sort(byCodePoint);

  return {
    server_version: server_version!,
    migration: await migrationState(client),
    app_role: {
      name: appRoleName,
      exists: roleExists,
      superuser: role?.superuser === 'true',
      bypassrls: role?.bypassrls === 'true',
      schema_usage: role?.schema_usage === 'true',
      default_privileges: defaultPrivileges,
    },
    tables,
    sequences,
    schema_objects: schemaObjects,
  };
}

async function migrationState(client: Client): Promise<DatabaseDescription['migration']> {
  const [{ present }] = await rows(client, `SELECT (to_regclass('schema_migrations') IS NOT NULL)::text AS present`);
  if (present !== 'true') {
    return { latest: null, applied: 0 };
  }
  const applied = await rows(client, 'SELECT name FROM schema_migrations ORDER BY timestamp DESC');
  return { latest: applied[0]?.name ?? null, applied: applied.length };
}

/** A text[] as Postgres prints it ({a,b,"c d"}), parsed back into strings. */
function pgArray(text: string | null): string[] {
  if (text === null || text === '{}') {
    return [];
  }
  const items: string[] = [];
  const body = text.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    let item = '';
    if (body[i] === '"') {
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') {
          i++;
        }
        item += body[i++];
      }
      i++;
    } else {
      while (i < body.length && body[i] !== ',') {
        item += body[i++];
      }
    }
    items.push(item);
    i++; // the comma
  }
  return items;
}

/**
 * Every difference between what the manifest recorded and what the restored database holds,
 * in words an operator can act on; empty when they agree. The server version may differ (a
 * restore onto a newer Postgres), and so may who restored it: neither is compared.
 */
export function compareWithManifest(manifest: BackupManifest, restored: DatabaseDescription): string[] {
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(manifest.migration, restored.migration)) {
    problems.push(
      `migrations: the backup has ${manifest.migration.applied} (latest ${manifest.migration.latest}), ` +
        `the restored database ${restored.migration.applied} (latest ${restored.migration.latest})`,
    );
  }
  const role = (r: AppRoleManifest) => ({ ...r, default_privileges: [...r.default_privileges] });
  if (!same(role(manifest.app_role), role(restored.app_role))) {
    problems.push(
      `app role ${manifest.app_role.name}: expected ${JSON.stringify(manifest.app_role)}, found ${JSON.stringify(restored.app_role)}`,
    );
  }
  const byName = <T extends { name: string }>(items: T[]) => new Map(items.map((item) => [item.name, item]));
  const restoredTables = byName(restored.tables);
  for (const table of manifest.tables) {
    const found = restoredTables.get(table.name);
    if (!found) {
      problems.push(`table ${table.name}: missing`);
      continue;
    }
    if (found.rows !== table.rows) {
      problems.push(`table ${table.name}: ${found.rows} rows, the backup has ${table.rows}`);
    } else if (found.checksum !== table.checksum) {
      problems.push(`table ${table.name}: content checksum ${found.checksum}, the backup has ${table.checksum}`);
    }
    for (const key of ['rls', 'force_rls', 'policies', 'app_grants'] as const) {
      if (!same(found[key], table[key])) {
        problems.push(
          `table ${table.name}: ${key} ${JSON.stringify(found[key])}, the backup has ${JSON.stringify(table[key])}`,
        );
      }
    }
  }
  const backedUp = new Set(manifest.tables.map((table) => table.name));
  for (const table of restored.tables.filter((t) => !backedUp.has(t.name))) {
    problems.push(`table ${table.name}: not in the backup`);
  }
  const restoredSequences = byName(restored.sequences);
  for (const sequence of manifest.sequences) {
    const found = restoredSequences.get(sequence.name);
    if (!found || !same(found, sequence)) {
      problems.push(
        `sequence ${sequence.name}: ${found ? JSON.stringify(found) : 'missing'}, the backup has ${JSON.stringify(sequence)}`,
      );
    }
  }
  const restoredObjects = new Set(restored.schema_objects);
  const recorded = new Set(manifest.schema_objects);
  for (const object of manifest.schema_objects.filter((o) => !restoredObjects.has(o))) {
    problems.push(`schema: missing ${object}`);
  }
  for (const object of restored.schema_objects.filter((o) => !recorded.has(o))) {
    problems.push(`schema: not in the backup: ${object}`);
  }
  return problems;
}

/** package.json's version, found from this file in the source tree and in dist/ alike. */
export function engramVersion(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'engram' && pkg.version) {
        return pkg.version;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      return 'unknown';
    }
    dir = parent;
  }
}
