import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configSchema, parseConfig } from '@engram/config';

/**
 * No Docker engine runs where the tests do, so the compose file, Dockerfile and .dockerignore are
 * checked as text: the wiring between services, and that every variable handed to the app is one
 * its config schema knows and accepts.
 */
const ROOT = join(__dirname, '..');
const APP_SERVICES = ['migrate', 'api', 'worker'] as const;
const LONG_RUNNING = ['db', 'redis', 'api', 'worker'] as const;
const SAMPLE_SECRETS = { POSTGRES_PASSWORD: 'sample-password', ENGRAM_ADMIN_TOKEN: 'sample-admin-token-0123456789' };

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (whole, name, colon, op, arg) => {
    if (whole === '$$') {
      return '$';
    }
    const value = env[name as string];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!missing) {
      return value;
    }
    if (op === '?') {
      throw new Error(`required variable ${name as string} is missing: ${arg as string}`);
    }
    return op === '-' ? (arg as string) : '';
  });
}

function appEnv(name: string, env: Record<string, string> = SAMPLE_SECRETS): Record<string, string> {
  return Object.fromEntries(
    Object.entries(services[name].environment ?? {}).map(([key, value]) => [key, interpolate(String(value), env)]),
  );
}

describe('docker-compose.yml', () => {
  it('defines the database, Redis, the one-shot migration, the API and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'db', 'migrate', 'redis', 'worker']);
    expect(services.db.image).toMatch(/^pgvector\/pgvector:pg1[6-9]$/);
    expect(services.redis.image).toBe('redis:7-alpine');
    expect(services.redis.command?.join(' ')).toContain('--appendonly yes');
  });

  it('builds api, worker and migrate from the project Dockerfile and runs the matching engram command', () => {
    for (const name of APP_SERVICES) {
      expect(services[name].build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    }
    expect(services.api.command).toEqual(['api']);
    expect(services.worker.command).toEqual(['worker']);
    expect(services.migrate.command).toEqual(['migrate', 'up']);
  });

  it('publishes the API on the port it listens on, on every interface of the container', () => {
    const env = appEnv('api');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORT).toBe('8080');
    const published = (services.api.ports ?? []).map((port) => interpolate(port, {}));
    expect(published).toEqual(['8080:8080']);
    expect(services.db.ports).toBeUndefined();
    expect(services.redis.ports).toBeUndefined();
  });

  it('points DATABASE_URL at the db service and its database, and REDIS_URL at the redis service', () => {
    const dbEnv = appEnv('db');
    for (const name of APP_SERVICES) {
      const url = new URL(appEnv(name).DATABASE_URL);
      expect(url.hostname).toBe('db');
      expect(url.port).toBe('5432');
      expect(url.username).toBe(dbEnv.POSTGRES_USER);
      expect(url.password).toBe(dbEnv.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${dbEnv.POSTGRES_DB}`);
    }
    for (const name of ['api', 'worker']) {
      expect(new URL(appEnv(name).REDIS_URL).hostname).toBe('redis');
    }
  });

  it('gives the app only variables its config schema defines, with values it accepts', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const name of APP_SERVICES) {
      const env = appEnv(name);
      expect(Object.keys(env).filter((key) => !known.has(key))).toEqual([]);
      const config = parseConfig(env);
      expect(config.DATABASE_URL).toBe(env.DATABASE_URL);
    }
    const api = parseConfig(appEnv('api'));
    expect(api.ENGRAM_ADMIN_TOKEN).toBe(SAMPLE_SECRETS.ENGRAM_ADMIN_TOKEN);
    expect(api.MIGRATE_ON_START).toBe(false);
    expect(parseConfig(appEnv('worker')).MIGRATE_ON_START).toBe(false);
  });

  it('commits no secret: passwords and the admin token come from required interpolation', () => {
    const secretKey = /PASSWORD|TOKEN|SECRET/;
    let secrets = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (secretKey.test(key)) {
          secrets++;
          expect(`${name}.${key}=${value}`).toMatch(new RegExp(`^${name}\\.${key}=\\$\\{[A-Z_]+:\\?[^}]+\\}$`));
        }
      }
    }
    expect(secrets).toBeGreaterThanOrEqual(2);
    expect(services.api.environment?.DATABASE_URL).toMatch(/^postgres:\/\/engram:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:/);
    expect(() => appEnv('api', { POSTGRES_PASSWORD: 'x' })).toThrow(/ENGRAM_ADMIN_TOKEN/);
    expect(() => appEnv('worker', {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it('health-checks every long-running service, the API through GET /ready on its port', () => {
    for (const name of LONG_RUNNING) {
      expect(services[name].healthcheck?.test?.[0]).toMatch(/^CMD(-SHELL)?$/);
    }
    expect(services.db.healthcheck?.test).toContain('pg_isready');
    expect(services.redis.healthcheck?.test.join(' ')).toContain('redis-cli ping');
    const apiCheck = services.api.healthcheck?.test ?? [];
    expect(apiCheck.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(apiCheck[3]).toContain(`http://127.0.0.1:${appEnv('api').PORT}/ready`);
    expect(services.migrate.healthcheck).toBeUndefined();
  });

  it('starts the app after healthy Postgres and Redis and a completed migration', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toEqual({
        db: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(services.migrate.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    for (const service of Object.values(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        if (condition === 'service_healthy') {
          expect(services[target].healthcheck).toBeDefined();
        }
      }
    }
  });

  it('restarts long-running services, runs the migration once, and keeps data in named volumes', () => {
    for (const name of LONG_RUNNING) {
      expect(services[name].restart).toBe('unless-stopped');
    }
    expect(services.migrate.restart).toBe('no');
    expect(services.db.volumes).toEqual(['pgdata:/var/lib/postgresql/data']);
    expect(services.redis.volumes).toEqual(['redisdata:/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['pgdata', 'redisdata']);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n(\s*#.*\n)*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('builds on Node 24 or newer in every stage', () => {
    const bases = instructions.filter((line) => line.startsWith('FROM ')).map((line) => line.split(/\s+/)[1]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) {
      const major = /^node:(\d+)/.exec(base);
      expect(major).not.toBeNull();
      expect(Number(major![1])).toBeGreaterThanOrEqual(24);
    }
  });

  it('installs from the lockfile, builds, drops dev dependencies and runs the CLI as the node user', () => {
    const run = instructions.filter((line) => line.startsWith('RUN ')).join('\n');
    expect(run).toContain('npm install');
    expect(instructions).toContain('COPY package.json package-lock.json ./');
    expect(instructions.some((line) => /^COPY --from=build \/app\/config /.test(line))).toBe(true);
    expect(run).toContain('npm run build');
    expect(run).toMatch(/npm prune --omit=dev/);
    const last = (prefix: string) => instructions.filter((line) => line.startsWith(prefix)).pop();
    expect(last('USER ')).toBe('USER node');
    expect(last('ENTRYPOINT ')).toBe('ENTRYPOINT ["node", "dist/apps/cli/src/main.js"]');
  });
});

describe('.dockerignore', () => {
  it('keeps host builds, dependencies, data and git history out of the build context', () => {
    const entries = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const required of ['node_modules', 'dist', 'data', '.git']) {
      expect(entries).toContain(required);
    }
  });
});
