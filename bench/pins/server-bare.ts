import Fastify from 'fastify';
import { Pool } from 'pg';
import { migrateUp, startEmbeddedPostgres } from '@engram/db';

/**
 * The baseline: Fastify + pg running the pins repository's own SQL (copied verbatim from
 * libs/pins/src/pins.repository.ts), with no framework, validation, auth, metrics or audit.
 * What Engram adds on top of this is what the bench measures.
 *
 * Env: PORT; DATABASE_URL (a migrated database) or, when unset, an embedded PGlite under
 * BARE_DATA_DIR migrated here; DB_POOL_MAX (the app's default, 10).
 */
const PIN_COLUMNS = `id, tenant_id, key, value, source, created_at, updated_at, expires_at,
  left(encode(sha256(convert_to(value::text, 'UTF8')), 'hex'), 16) AS value_hash`;
const LIVE = '(expires_at IS NULL OR expires_at > now())';

const UPSERT_SQL = `INSERT INTO memory_pins AS p (tenant_id, key, value, source, expires_at)
         VALUES ($1, $2, $3::jsonb, $4, CASE WHEN $5::int > 0 THEN now() + make_interval(secs => $5::int) END)
         ON CONFLICT (tenant_id, key) DO UPDATE SET
           id = CASE WHEN p.expires_at <= now() THEN gen_random_uuid() ELSE p.id END,
           created_at = CASE WHEN p.expires_at <= now() THEN now() ELSE p.created_at END,
           value = EXCLUDED.value,
           source = EXCLUDED.source,
           updated_at = now(),
           expires_at = EXCLUDED.expires_at
         RETURNING ${PIN_COLUMNS}, created_at = updated_at AS created`;
const GET_SQL = `SELECT ${PIN_COLUMNS} FROM memory_pins WHERE tenant_id = $1 AND key = $2 AND ${LIVE}`;

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
  const query = (name: string, text: string, values: unknown[]) => pool.query(named ? { name, text, values } : { text, values });

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

  app.get<{ Params: { '*': string }; Querystring: { tenant_id: string } }>('/api/v1/memory/pins/*', async (request, reply) => {
    const { rows } = await query('pins_get', GET_SQL, [request.query.tenant_id, request.params['*']]);
    if (rows.length === 0) {
      return reply.status(404).send({ error: { code: 'pin_not_found' } });
    }
    const { value_hash: _hash, ...pin } = rows[0];
    return pin;
  });

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
