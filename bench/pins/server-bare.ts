import Fastify from 'fastify';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '@engram/db';
import { migrateUp } from '@engram/migrations';
import { PIN_SQL } from '@engram/pins';

/**
 * The baseline: Fastify + pg running the pins repository's own SQL (PIN_SQL, exported by
 * libs/pins/src/pins.repository.ts), with no framework, validation, auth, metrics or audit.
 * What Engram adds on top of this is what the bench measures.
 *
 * Env: PORT; DATABASE_URL (a migrated database) or, when unset, an embedded PGlite under
 * BARE_DATA_DIR migrated here; DB_POOL_MAX (the app's default, 10).
 */
const UPSERT_SQL = PIN_SQL.upsert;
const GET_SQL = PIN_SQL.get;

interface UpsertBody {
  tenant_id: string;
  key: string;
  value: unknown;
  source?: string | null;
  ttl_seconds?: number | null;
}

async function main(): Promise<void> {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(process.env.BARE_DATA_DIR ?? null);
  const url = process.env.DATABASE_URL ?? embedded!.url;
  if (embedded) {
    await migrateUp(url);
  }
  // Same pool rules as the app: PGlite is one session, so one connection and no named statements.
  const named = embedded === null;
  const pool = new Pool({ connectionString: url, max: embedded ? 1 : Number(process.env.DB_POOL_MAX ?? 10) });
  pool.on('error', () => undefined);
  const query = (name: string, text: string, values: unknown[]) =>
    pool.query(named ? { name, text, values } : { text, values });

  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 1024 } });
  app.get('/health', async () => ({ status: 'ok' }));

  app.post<{ Body: UpsertBody }>('/api/v1/memory/pins', async (request, reply) => {
    const body = request.body;
    const { rows } = await query('pins_upsert', UPSERT_SQL, [
      body.tenant_id,
      body.key,
      JSON.stringify(body.value),
      body.source ?? null,
      body.ttl_seconds ?? null,
    ]);
    const { value_hash: _hash, created, ...pin } = rows[0];
    return reply.status(created ? 201 : 200).send(pin);
  });

  app.get<{ Params: { '*': string }; Querystring: { tenant_id: string } }>(
    '/api/v1/memory/pins/*',
    async (request, reply) => {
      const { rows } = await query('pins_get', GET_SQL, [request.query.tenant_id, request.params['*']]);
      if (rows.length === 0) {
        return reply.status(404).send({ error: { code: 'pin_not_found' } });
      }
      const { value_hash: _hash, ...pin } = rows[0];
      return pin;
    },
  );

  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const shutdown = async () => {
    await app.close();
    await pool.end();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
