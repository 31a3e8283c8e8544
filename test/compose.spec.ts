import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
const MONITORING = ['prometheus', 'blackbox', 'grafana'] as const;
const SAMPLE_SECRETS = {
  POSTGRES_PASSWORD: 'sample-password',
  ENGRAM_ADMIN_TOKEN: 'sample-admin-token-0123456789',
  METRICS_TOKEN: 'sample-metrics-token-0123456789',
};

interface Service {
  image?: string;
  profiles?: string[];
  entrypoint?: string[];
  secrets?: (string | { source: string; target?: string })[];
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
  secrets?: Record<string, { environment?: string; file?: string }>;
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
    const always = Object.keys(services).filter((name) => !services[name].profiles);
    expect(always.sort()).toEqual(['api', 'db', 'migrate', 'redis', 'worker']);
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

  it('commits no secret: passwords and tokens come from required interpolation', () => {
    const secretKey = /PASSWORD|TOKEN|SECRET/;
    let secrets = 0;
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!secretKey.test(key)) {
          continue;
        }
        secrets++;
        if (service.profiles) {
          // Compose interpolates services of inactive profiles too, so ${VAR:?} here would make
          // the variable required without the profile: the service refuses an empty value at start.
          expect(`${name}.${key}=${value}`).toMatch(new RegExp(`^${name}\\.${key}=\\$\\{[A-Z_]+:-\\}$`));
          expect(service.entrypoint?.join(' ')).toContain(`test -n "$$${key}" ||`);
        } else {
          expect(`${name}.${key}=${value}`).toMatch(new RegExp(`^${name}\\.${key}=\\$\\{[A-Z_]+:\\?[^}]+\\}$`));
        }
      }
    }
    expect(secrets).toBeGreaterThanOrEqual(4);
    expect(services.api.environment?.DATABASE_URL).toMatch(/^postgres:\/\/engram:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:/);
    expect(() => appEnv('api', { POSTGRES_PASSWORD: 'x', METRICS_TOKEN: SAMPLE_SECRETS.METRICS_TOKEN })).toThrow(
      /ENGRAM_ADMIN_TOKEN/,
    );
    expect(() =>
      appEnv('api', { POSTGRES_PASSWORD: 'x', ENGRAM_ADMIN_TOKEN: SAMPLE_SECRETS.ENGRAM_ADMIN_TOKEN }),
    ).toThrow(/METRICS_TOKEN/);
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
    expect(Object.keys(compose.volumes).sort()).toEqual(['grafanadata', 'pgdata', 'promdata', 'redisdata']);
  });
});

describe('docker-compose.yml, monitoring profile', () => {
  const prometheusConfig = parse(readFileSync(join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      metrics_path?: string;
      authorization?: { type: string; credentials_file: string };
      static_configs: { targets: string[] }[];
      dns_sd_configs?: { names: string[]; type: string; port: number }[];
      relabel_configs?: { target_label: string; replacement?: string }[];
    }[];
  };
  const job = (name: string) => prometheusConfig.scrape_configs.find((config) => config.job_name === name)!;
  /** Bind mounts of a service: host path (from the repository root) → container path. */
  const binds = (name: string) =>
    Object.fromEntries(
      (services[name].volumes ?? [])
        .filter((volume) => volume.startsWith('./'))
        .map((volume) => {
          const [host, target] = volume.split(':');
          return [target, host.slice(2)];
        }),
    );
  const flag = (name: string, option: string) =>
    new RegExp(`--${option}=(\\S+)`).exec(services[name].entrypoint?.join(' ') ?? '')?.[1];

  it('adds Prometheus, the blackbox exporter and Grafana, in the monitoring profile only, restarted and health-checked', () => {
    for (const name of MONITORING) {
      expect(services[name].profiles).toEqual(['monitoring']);
      expect(services[name].image).toMatch(
        /^(prom\/prometheus|prom\/blackbox-exporter|grafana\/grafana):v?\d+\.\d+\.\d+$/,
      );
      expect(services[name].restart).toBe('unless-stopped');
      expect(services[name].healthcheck?.test[0]).toBe('CMD');
    }
    expect(
      Object.keys(services)
        .filter((name) => services[name].profiles)
        .sort(),
    ).toEqual([...MONITORING].sort());
    // Published on loopback only: Prometheus's lifecycle API can reload or stop it.
    expect(services.prometheus.ports?.map((port) => interpolate(port, {}))).toEqual(['127.0.0.1:9090:9090']);
    expect(services.grafana.ports?.map((port) => interpolate(port, {}))).toEqual(['127.0.0.1:3000:3000']);
    expect(services.blackbox.ports).toBeUndefined();
    expect(services.grafana.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
  });

  it('mounts files and directories that exist in the repository, where the configs expect them', () => {
    for (const name of MONITORING) {
      for (const [target, host] of Object.entries(binds(name))) {
        if (host.startsWith('data/')) {
          continue; // written by ops/prometheus/reload, never committed
        }
        expect([name, target, existsSync(join(ROOT, host))]).toEqual([name, target, true]);
      }
    }
    const prometheus = binds('prometheus');
    const configFile = flag('prometheus', 'config.file')!;
    expect(prometheus[configFile]).toBe('ops/prometheus/prometheus.yml');
    expect(statSync(join(ROOT, prometheus[configFile])).isFile()).toBe(true);
    // rule_files are relative to the config file: the live rules directory is mounted beside it.
    expect(prometheusConfig.rule_files).toEqual(['rules/*.yml']);
    expect(prometheus[join(dirname(configFile), 'rules')]).toBe('data/prometheus/rules');
    const reload = readFileSync(join(ROOT, 'ops/prometheus/reload'), 'utf8');
    expect(reload).toContain('live=$root/data/prometheus/rules');
    expect(services.prometheus.entrypoint?.join(' ')).toContain('--web.enable-lifecycle');
    expect(services.prometheus.volumes).toContain(`promdata:${flag('prometheus', 'storage.tsdb.path')}`);

    const grafana = binds('grafana');
    expect(grafana['/etc/grafana/provisioning']).toBe('ops/grafana/provisioning');
    const provider = parse(readFileSync(join(ROOT, 'ops/grafana/provisioning/dashboards/engram.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    expect(grafana[provider.providers[0].options.path]).toBe('ops/grafana/dashboards');
    const home = services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(existsSync(join(ROOT, grafana[dirname(home)], home.split('/').pop()!))).toBe(true);
  });

  it('wires Prometheus to the API with the scrape token, to the blackbox exporter, and Grafana to Prometheus', () => {
    const api = job('engram-api');
    expect(api.metrics_path).toBe('/metrics');
    expect(api.static_configs[0].targets).toEqual([`api:${appEnv('api').PORT}`]);
    // The same METRICS_TOKEN: a compose secret from the variable the API reads, at the file the scrape config names.
    expect(services.api.environment?.METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:\?/);
    expect(api.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/secrets/metrics_token' });
    expect(services.prometheus.secrets).toEqual(['metrics_token']);
    expect(compose.secrets?.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });

    // Every worker replica, found by DNS on the port its WORKER_METRICS_PORT opens, with the same token.
    const worker = job('engram-worker');
    const workerEnv = parseConfig(appEnv('worker'));
    expect(worker.dns_sd_configs).toEqual([{ names: ['worker'], type: 'A', port: workerEnv.WORKER_METRICS_PORT }]);
    expect(worker.authorization).toEqual(api.authorization);
    expect(workerEnv.METRICS_TOKEN).toBe(parseConfig(appEnv('api')).METRICS_TOKEN);
    expect(workerEnv.WORKER_METRICS_HOST).toBe('0.0.0.0');
    expect(services.worker.ports).toBeUndefined();

    const ready = job('engram-ready');
    expect(ready.static_configs[0].targets).toEqual([`http://api:${appEnv('api').PORT}/ready`]);
    expect(ready.relabel_configs?.find((r) => r.target_label === '__address__')?.replacement).toBe('blackbox:9115');

    const datasource = parse(
      readFileSync(join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as {
      datasources: { url: string }[];
    };
    expect(datasource.datasources[0].url).toBe('http://prometheus:9090');
    expect(flag('prometheus', 'web.listen-address')).toBe(':9090');
  });

  it('Grafana refuses to start without an admin password and sends no usage reports', () => {
    const grafana = services.grafana;
    expect(grafana.environment?.GF_SECURITY_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-}');
    expect(grafana.entrypoint?.join(' ')).toMatch(
      /test -n "\$\$GF_SECURITY_ADMIN_PASSWORD" \|\|[\s\S]*exit 1[\s\S]*exec \/run\.sh$/,
    );
    expect(grafana.environment?.GF_ANALYTICS_REPORTING_ENABLED).toBe('false');
    expect(grafana.environment?.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
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
