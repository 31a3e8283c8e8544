import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { configSchema, isLoopbackHost, parseConfig } from '@engram/config';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { freePort } from '@engram/test-support/net';
import { registeredRoutes } from '@engram/test-support/routes';
import { WorkerMetricsServer, workerMetricsProblem } from '../apps/worker/src/worker-metrics.server';
import { createWorker } from '../apps/worker/src/worker.module';

/**
 * deploy/kubernetes (kustomize) and deploy/helm/engram (helm template, helm lint), rendered by
 * the real tools (ops/install-helm) and checked against the code: every variable they set is in
 * the config schema and parses, every probe and scrape path is a route the app serves (and
 * answers; the worker's on its own metrics listener), the worker's exec probe and the
 * containers' commands run, ports agree with PORT and WORKER_METRICS_PORT, selectors (the
 * ServiceMonitor's, the PodMonitor's) find their pods, every container is non-root with resources, and the chart's
 * defaults render the same objects as the plain manifests.
 */
const ROOT = join(__dirname, '..');
const MANIFESTS = join(ROOT, 'deploy/kubernetes');
const CHART = join(ROOT, 'deploy/helm/engram');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SCHEMA_KEYS = new Set(Object.keys(configSchema.shape));
const SAMPLE_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgres://engram:secret@postgres:5432/engram',
  REDIS_URL: 'redis://:secret@redis:6379',
  ENGRAM_ADMIN_TOKEN: 'sample-admin-token-0123456789',
  METRICS_TOKEN: 'sample-metrics-token-0123456789',
  MACHINE_SECRET_TOKEN: 'sample-machine-token-0123456789',
  JWT_SECRET: 'sample-jwt-secret-0123456789-0123456789',
  EMBEDDING_OPENAI_API_KEY: 'sample-embedding-key',
};

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: any };
  spec?: any;
  [key: string]: any;
};
type Labels = Record<string, string>;

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: result.stdout + result.stderr };
}

function ok(command: string, args: string[], env: Record<string, string> = {}): string {
  const result = run(command, args, env);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.output}`);
  }
  return result.stdout;
}

function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) {
        throw new Error(doc.errors.map(String).join('\n'));
      }
      return doc.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const VARIANT = [
  '--set',
  'api.autoscaling.enabled=false,serviceMonitor.enabled=false,networkPolicy.enabled=false,fullnameOverride=memory',
  '--set-file',
  `rbac.policy=${join(ROOT, 'config/rbac-policies.json')}`,
];

let helm: string;
let kubectl: string;
const plain = (): K8sObject[] => parseObjects(ok(kubectl, ['kustomize', MANIFESTS]));
const chart = (...args: string[]): K8sObject[] => parseObjects(ok(helm, ['template', 'engram', CHART, ...args]));

const byKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
const one = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.filter((object) => object.kind === kind && object.metadata.name === name);
  expect([kind, name, found.length]).toEqual([kind, name, 1]);
  return found[0];
};
const matches = (selector: Labels, labels: Labels | undefined) =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: any }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  [probe: string]: any;
}
function containersOf(deployment: K8sObject): { container: Container; init: boolean }[] {
  const pod = deployment.spec.template.spec;
  return [
    ...(pod.initContainers ?? []).map((container: Container) => ({ container, init: true })),
    ...pod.containers.map((container: Container) => ({ container, init: false })),
  ];
}

/** Variable names a container gets, and where each value comes from. */
function environment(objects: K8sObject[], container: Container) {
  const names: string[] = [];
  const literal: Record<string, string> = {};
  const secrets: { name: string; secret: string; key: string; optional: boolean }[] = [];
  for (const source of container.envFrom ?? []) {
    // A whole Secret as variables would hide its keys from review: only ConfigMaps are allowed.
    expect(source.secretRef).toBeUndefined();
    const configMap = one(objects, 'ConfigMap', source.configMapRef!.name);
    for (const [key, value] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
      names.push(key);
      literal[key] = value;
    }
  }
  for (const entry of container.env ?? []) {
    names.push(entry.name);
    if (entry.valueFrom?.secretKeyRef) {
      const ref = entry.valueFrom.secretKeyRef;
      secrets.push({ name: entry.name, secret: ref.name, key: ref.key, optional: ref.optional === true });
    } else {
      expect([entry.name, entry.valueFrom]).toEqual([entry.name, undefined]);
      literal[entry.name] = entry.value ?? '';
    }
  }
  return { names, literal, secrets };
}

/** The schema's problems with a rendering: unknown variables, and values it refuses. */
function envProblems(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const deployment of byKind(objects, 'Deployment')) {
    for (const { container } of containersOf(deployment)) {
      const where = `${deployment.metadata.name}/${container.name}`;
      const { names, literal, secrets } = environment(objects, container);
      problems.push(
        ...names.filter((name) => !SCHEMA_KEYS.has(name)).map((name) => `${where}: ${name} is not in the schema`),
      );
      const required = Object.fromEntries(
        secrets.filter((s) => !s.optional).map((s) => [s.name, SAMPLE_SECRETS[s.name] ?? 'x']),
      );
      try {
        const config = parseConfig({ ...literal, ...required });
        if (!isLoopbackHost(config.HOST) && !required.ENGRAM_ADMIN_TOKEN) {
          problems.push(`${where}: HOST ${config.HOST} needs ENGRAM_ADMIN_TOKEN (not optional)`);
        }
        // The worker's own start check (its metrics listener beyond loopback needs the token).
        const workerProblem = container.args?.[0] === 'worker' ? workerMetricsProblem(config) : undefined;
        if (workerProblem) {
          problems.push(`${where}: ${workerProblem}`);
        }
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

/**
 * Every HTTP path the rendering expects a process to serve (probes and scrape endpoints), for the
 * API (its Deployment and the ServiceMonitor) or the worker (its Deployment and the PodMonitor).
 */
function httpPaths(objects: K8sObject[], command: 'api' | 'worker'): string[] {
  const paths: string[] = [];
  for (const deployment of byKind(objects, 'Deployment')) {
    for (const { container } of containersOf(deployment)) {
      if (container.args?.[0] !== command) {
        continue;
      }
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        if (container[probe]?.httpGet) {
          paths.push(container[probe].httpGet.path);
        }
      }
    }
  }
  const monitors = command === 'api' ? byKind(objects, 'ServiceMonitor') : byKind(objects, 'PodMonitor');
  for (const monitor of monitors) {
    const endpoints = monitor.spec.endpoints ?? monitor.spec.podMetricsEndpoints;
    paths.push(...endpoints.map((endpoint: { path: string }) => endpoint.path));
  }
  return [...new Set(paths)].sort();
}

/** Helm's own bookkeeping (labels, the config checksum) is all a chart object may add. */
function withoutHelmBookkeeping(object: K8sObject): K8sObject {
  const copy = structuredClone(object);
  for (const metadata of [copy.metadata, copy.spec?.template?.metadata]) {
    if (!metadata) {
      continue;
    }
    for (const label of ['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version']) {
      delete metadata.labels?.[label];
    }
    delete metadata.annotations?.['checksum/config'];
    if (metadata.annotations && Object.keys(metadata.annotations).length === 0) {
      delete metadata.annotations;
    }
  }
  return copy;
}

function quantity(value: string | number): number {
  const match = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) {
    throw new Error(`not a quantity: ${value}`);
  }
  const scale = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * scale;
}

beforeAll(() => {
  helm = ok(join(ROOT, 'ops/install-helm'), []).trim();
  kubectl = ok(join(ROOT, 'ops/install-helm'), ['--kubectl']).trim();
}, 200_000);

describe('deploy/kubernetes and the Helm chart', () => {
  let renderings: [string, K8sObject[]][];
  beforeAll(() => {
    renderings = [
      ['manifests', plain()],
      ['chart', chart()],
      // The other shape: fixed API replicas, no HPA, no operator CRDs, another name, a policy.
      ['chart (variant)', chart(...VARIANT)],
    ];
  });

  it('kustomization.yaml lists every manifest, each parses, and helm lint --strict passes', () => {
    const files = readdirSync(MANIFESTS).filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml');
    const kustomization = parse(readFileSync(join(MANIFESTS, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    for (const file of files) {
      expect(parseObjects(readFileSync(join(MANIFESTS, file), 'utf8')).length).toBeGreaterThan(0);
    }
    const lint = run(helm, ['lint', CHART, '--strict']);
    expect([lint.status, lint.output]).toEqual([0, expect.stringContaining('0 chart(s) failed')]);
  });

  it("the chart's defaults render the same objects as the manifests", () => {
    const key = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;
    const manifests = new Map(plain().map((object) => [key(object), object]));
    const rendered = new Map(chart().map((object) => [key(object), withoutHelmBookkeeping(object)]));
    expect([...rendered.keys()].sort()).toEqual([...manifests.keys()].sort());
    for (const [name, object] of manifests) {
      if (!isDeepStrictEqual(object, rendered.get(name))) {
        expect([name, rendered.get(name)]).toEqual([name, object]);
      }
    }
    expect([...manifests.keys()].sort()).toEqual([
      'ConfigMap/engram',
      'Deployment/engram-api',
      'Deployment/engram-worker',
      'HorizontalPodAutoscaler/engram-api',
      'NetworkPolicy/engram',
      'PodDisruptionBudget/engram-api',
      'PodDisruptionBudget/engram-worker',
      'PodMonitor/engram-worker',
      'Service/engram-api',
      'ServiceAccount/engram',
      'ServiceMonitor/engram-api',
    ]);
  });

  it('sets only variables of the config schema, with values it accepts, and secrets only by reference', () => {
    for (const [name, objects] of renderings) {
      expect([name, envProblems(objects)]).toEqual([name, []]);
      // Namespace-agnostic, and no secret value in the repository: the Secret is created outside.
      expect(objects.filter((object) => object.metadata.namespace !== undefined)).toEqual([]);
      expect(byKind(objects, 'Secret')).toEqual([]);
      const secretNames = new Set<string>();
      for (const deployment of byKind(objects, 'Deployment')) {
        for (const { container } of containersOf(deployment)) {
          for (const secret of environment(objects, container).secrets) {
            // The key is the variable's name, so the Secret reads like the README's table.
            expect(secret.key).toBe(secret.name);
            expect(secret.name in SAMPLE_SECRETS).toBe(true);
            secretNames.add(secret.secret);
          }
        }
      }
      expect(secretNames.size).toBe(1);
    }
    // Every secret the schema marks sensitive is read from the Secret wherever it is set.
    const api = one(renderings[0][1], 'Deployment', 'engram-api');
    const apiEnv = environment(renderings[0][1], api.spec.template.spec.containers[0]);
    expect(apiEnv.secrets.filter((s) => !s.optional).map((s) => s.name)).toEqual([
      'DATABASE_URL',
      'REDIS_URL',
      'ENGRAM_ADMIN_TOKEN',
      'METRICS_TOKEN',
    ]);
    expect(parseConfig({ ...apiEnv.literal, ...SAMPLE_SECRETS }).MIGRATE_ON_START).toBe(false);
  });

  it('catches a variable the schema does not know and a value it refuses', () => {
    expect(envProblems(chart('--set', 'config.ENGRAM_NO_SUCH_SETTING=1'))).toEqual(
      expect.arrayContaining([expect.stringContaining('ENGRAM_NO_SUCH_SETTING is not in the schema')]),
    );
    expect(envProblems(chart('--set', 'config.LOG_LEVEL=loud')).join('\n')).toContain('LOG_LEVEL');
    // A worker listening beyond loopback without the scrape token would refuse to start.
    const objects = chart();
    const worker = one(objects, 'Deployment', 'engram-worker').spec.template.spec.containers[0] as Container;
    worker.env = worker.env!.filter((entry) => entry.name !== 'METRICS_TOKEN');
    expect(envProblems(objects).join('\n')).toContain('WORKER_METRICS_HOST 0.0.0.0 is not loopback: set METRICS_TOKEN');
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
      api: { secretEnv: { name: string; optional?: boolean }[] };
    };
    const adminOptional = values.api.secretEnv.map((entry) =>
      entry.name === 'ENGRAM_ADMIN_TOKEN' ? { ...entry, optional: true } : entry,
    );
    expect(envProblems(chart('--set-json', `api.secretEnv=${JSON.stringify(adminOptional)}`)).join('\n')).toContain(
      'needs ENGRAM_ADMIN_TOKEN',
    );
  });

  it('gives every container the same image, the version of package.json and of the chart', () => {
    const appVersion = String(
      (parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string }).appVersion,
    );
    expect(appVersion).toBe(VERSION);
    for (const [name, objects] of renderings) {
      const images = new Set(
        byKind(objects, 'Deployment').flatMap((d) => containersOf(d).map(({ container }) => container.image)),
      );
      expect([name, [...images]]).toEqual([name, [`engram:${VERSION}`]]);
    }
    expect(
      new Set(
        chart('--set', 'image.tag=1.2.3')
          .flatMap((o) => (o.kind === 'Deployment' ? containersOf(o) : []))
          .map(({ container }) => container.image),
      ),
    ).toEqual(new Set(['engram:1.2.3']));
  });

  it('mounts an RBAC policy given to the chart where RBAC_POLICY_FILE points, as a directory', () => {
    const objects = chart(...VARIANT);
    const api = one(objects, 'Deployment', 'memory-api').spec.template.spec;
    const container = api.containers[0] as Container;
    const file = environment(objects, container).literal.RBAC_POLICY_FILE;
    const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
    expect(mount).toMatchObject({ readOnly: true });
    expect(mount.subPath).toBeUndefined(); // a subPath mount never sees the ConfigMap change
    const volume = api.volumes.find((v: { name: string }) => v.name === mount.name);
    const configMap = one(objects, 'ConfigMap', volume.configMap.name);
    const policy = configMap.data[file.slice(mount.mountPath.length + 1)];
    expect(JSON.parse(policy)).toEqual(JSON.parse(readFileSync(join(ROOT, 'config/rbac-policies.json'), 'utf8')));
    // Without one, the image's own file: nothing is set or mounted.
    const plainApi = one(plain(), 'Deployment', 'engram-api').spec.template.spec.containers[0] as Container;
    expect(plainApi.env!.map((e) => e.name)).not.toContain('RBAC_POLICY_FILE');
  });

  it('runs every container as non-root, without privileges, on a read-only root, with resources', () => {
    for (const [name, objects] of renderings) {
      for (const deployment of byKind(objects, 'Deployment')) {
        const pod = deployment.spec.template.spec;
        const where = `${name}: ${deployment.metadata.name}`;
        expect([where, pod.securityContext]).toEqual([
          where,
          expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }),
        ]);
        // The image's USER is a name (`node`): the kubelet enforces runAsNonRoot only with a number.
        expect(Number.isInteger(pod.securityContext.runAsUser) && pod.securityContext.runAsUser > 0).toBe(true);
        expect(pod.automountServiceAccountToken).toBe(false);
        const tmp = pod.volumes.find((volume: { name: string }) => volume.name === 'tmp');
        expect(tmp.emptyDir).toBeDefined();
        for (const { container } of containersOf(deployment)) {
          const at = `${where}/${container.name}`;
          expect([at, container.securityContext]).toEqual([
            at,
            { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          ]);
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
          const { requests, limits } = container.resources ?? {};
          for (const resource of ['cpu', 'memory']) {
            expect([at, resource, quantity(requests[resource]) <= quantity(limits[resource])]).toEqual([
              at,
              resource,
              true,
            ]);
          }
          if (!container.name.startsWith('migrate')) {
            // ~420 MiB measured for the API, ~400 MiB for a busy worker: the model alone is ~230 MiB.
            expect([at, quantity(requests.memory) >= 512 * 1024 ** 2]).toEqual([at, true]);
            expect([at, quantity(limits.memory) >= 1024 ** 3]).toEqual([at, true]);
          }
        }
      }
    }
  });

  it('selects the right pods: Services, PDBs, the HPA, the ServiceMonitor, the PodMonitor and the NetworkPolicy', () => {
    for (const [name, objects] of renderings) {
      const deployments = byKind(objects, 'Deployment');
      const podsOf = (selector: Labels) =>
        deployments.filter((d) => matches(selector, d.spec.template.metadata.labels)).map((d) => d.metadata.name);
      for (const deployment of deployments) {
        expect(matches(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
        // A selector that matched the other component would mix API and worker pods.
        expect([name, podsOf(deployment.spec.selector.matchLabels)]).toEqual([name, [deployment.metadata.name]]);
      }
      for (const pdb of byKind(objects, 'PodDisruptionBudget')) {
        const target = podsOf(pdb.spec.selector.matchLabels);
        expect([name, pdb.metadata.name, target]).toEqual([name, pdb.metadata.name, [pdb.metadata.name]]);
        expect(one(objects, 'Deployment', target[0]).spec.selector.matchLabels).toEqual(pdb.spec.selector.matchLabels);
      }
      expect(byKind(objects, 'PodDisruptionBudget')).toHaveLength(2);
      const api = deployments.find((d) => d.spec.template.spec.containers[0].args[0] === 'api')!;
      const hpas = byKind(objects, 'HorizontalPodAutoscaler');
      for (const hpa of hpas) {
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: api.metadata.name });
        expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      }
      // The HPA owns the count: a `replicas` beside it would be reset by every apply.
      expect([name, api.spec.replicas === undefined]).toEqual([name, hpas.length === 1]);
      expect(hpas.length === 1 || api.spec.replicas >= 2).toBe(true);

      const apiPorts = api.spec.template.spec.containers[0].ports as { name: string; containerPort: number }[];
      const [service] = byKind(objects, 'Service');
      expect(podsOf(service.spec.selector)).toEqual([api.metadata.name]);
      for (const port of service.spec.ports) {
        expect(apiPorts.map((p) => p.name)).toContain(port.targetPort);
      }
      for (const monitor of byKind(objects, 'ServiceMonitor')) {
        expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
        expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
        for (const endpoint of monitor.spec.endpoints) {
          expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(endpoint.port);
          expect(endpoint.path).toBe('/metrics');
          // The scrape token is the one the API reads as METRICS_TOKEN.
          const token = environment(objects, api.spec.template.spec.containers[0]).secrets.find(
            (s) => s.name === 'METRICS_TOKEN',
          )!;
          expect(endpoint.authorization.credentials).toEqual({ name: token.secret, key: token.key });
        }
      }
      const worker = deployments.find((d) => d.spec.template.spec.containers[0].args[0] === 'worker')!;
      const workerContainer = worker.spec.template.spec.containers[0] as Container;
      const monitors = byKind(objects, 'PodMonitor');
      for (const monitor of monitors) {
        expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
        expect([name, podsOf(monitor.spec.selector.matchLabels)]).toEqual([name, [worker.metadata.name]]);
        for (const endpoint of monitor.spec.podMetricsEndpoints) {
          expect([name, endpoint.port]).toEqual([name, 'metrics']);
          expect(workerContainer.ports!.map((p) => p.name)).toContain(endpoint.port);
          expect(endpoint.path).toBe('/metrics');
          // The scrape token is the one the worker reads as METRICS_TOKEN.
          const token = environment(objects, workerContainer).secrets.find((s) => s.name === 'METRICS_TOKEN')!;
          expect(endpoint.authorization.credentials).toEqual({ name: token.secret, key: token.key });
          // The job label the alerts and dashboards use, as the API's Service name is for the API.
          expect(endpoint.relabelings).toEqual([
            { action: 'replace', targetLabel: 'job', replacement: worker.metadata.name },
          ]);
        }
      }
      expect([name, monitors.length]).toEqual([name, byKind(objects, 'ServiceMonitor').length]);
      for (const policy of byKind(objects, 'NetworkPolicy')) {
        expect(podsOf(policy.spec.podSelector.matchLabels).sort()).toEqual(
          deployments.map((d) => d.metadata.name).sort(),
        );
        // Each rule opens a port some selected container declares by that name: the API's `http`,
        // the worker's `metrics`.
        const opened = policy.spec.ingress.flatMap((rule: { ports: { port: string }[] }) =>
          rule.ports.map((port) => port.port),
        );
        expect([name, opened.sort()]).toEqual([name, ['http', 'metrics']]);
        expect(apiPorts.map((p) => p.name)).toContain('http');
        expect(workerContainer.ports!.map((p) => p.name)).toContain('metrics');
      }
    }
  });

  it("listens where the probes look: the container port is the config's PORT, probes use the named port", () => {
    for (const [name, objects] of renderings) {
      const api = byKind(objects, 'Deployment').find((d) => d.spec.template.spec.containers[0].args[0] === 'api')!;
      const container = api.spec.template.spec.containers[0] as Container;
      const { literal } = environment(objects, container);
      const config = parseConfig({ ...literal, ...SAMPLE_SECRETS });
      expect([name, container.ports]).toEqual([name, [{ name: 'http', containerPort: config.PORT, protocol: 'TCP' }]]);
      expect(isLoopbackHost(config.HOST)).toBe(false);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        expect([name, probe, container[probe].httpGet.port]).toEqual([name, probe, 'http']);
      }
    }
    // Another port moves the container port, the Service and the probes together.
    const moved = chart('--set', 'api.port=9000');
    const api = one(moved, 'Deployment', 'engram-api').spec.template.spec.containers[0] as Container;
    expect(parseConfig(environment(moved, api).literal).PORT).toBe(9000);
    expect(api.ports![0].containerPort).toBe(9000);
    expect(one(moved, 'Service', 'engram-api').spec.ports[0].port).toBe(9000);
  });

  it('gives the worker a `metrics` port at its WORKER_METRICS_PORT, probed there, and takes it away when off', () => {
    const workerOf = (objects: K8sObject[]) =>
      byKind(objects, 'Deployment').find((d) => d.spec.template.spec.containers[0].args[0] === 'worker')!.spec.template
        .spec.containers[0] as Container;
    for (const [name, objects] of renderings) {
      const container = workerOf(objects);
      const { literal, secrets } = environment(objects, container);
      const config = parseConfig({ ...literal, ...SAMPLE_SECRETS });
      expect([name, container.ports]).toEqual([
        name,
        [{ name: 'metrics', containerPort: config.WORKER_METRICS_PORT, protocol: 'TCP' }],
      ]);
      expect(config.WORKER_METRICS_PORT).toBe(9464);
      // Reachable by the kubelet and Prometheus, so the token is required (not optional).
      expect(isLoopbackHost(config.WORKER_METRICS_HOST ?? config.HOST)).toBe(false);
      expect(secrets.find((s) => s.name === 'METRICS_TOKEN')).toMatchObject({ optional: false });
      // The worker's HOST stays loopback: it needs no admin token.
      expect(isLoopbackHost(config.HOST)).toBe(true);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        // Plain httpGet: /health takes no credentials, so no token sits in a probe's headers.
        expect([name, probe, container[probe].httpGet]).toEqual([name, probe, { path: '/health', port: 'metrics' }]);
      }
    }
    // Another port moves the variable and the container port together.
    const moved = workerOf(chart('--set', 'worker.metrics.port=9500'));
    expect(parseConfig({ ...environment(chart(), moved).literal }).WORKER_METRICS_PORT).toBe(9500);
    expect(moved.ports).toEqual([{ name: 'metrics', containerPort: 9500, protocol: 'TCP' }]);
    // Off: no listener, no token, no port; the exec readiness probe and no liveness probe; no
    // PodMonitor and no NetworkPolicy rule for it.
    const off = chart('--set', 'worker.metrics.enabled=false');
    const container = workerOf(off);
    expect(container.ports).toBeUndefined();
    expect(container.env!.map((e) => e.name)).toEqual(['DATABASE_URL', 'REDIS_URL', 'EMBEDDING_OPENAI_API_KEY']);
    expect([container.startupProbe, container.livenessProbe, container.readinessProbe.exec?.command[0]]).toEqual([
      undefined,
      undefined,
      'node',
    ]);
    expect(byKind(off, 'PodMonitor')).toEqual([]);
    expect(byKind(off, 'ServiceMonitor')).toHaveLength(1);
    expect(one(off, 'NetworkPolicy', 'engram').spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(envProblems(off)).toEqual([]);
  });

  it('runs commands the CLI has: api, worker, migrate up', () => {
    const commands = new Set<string>();
    for (const [, objects] of renderings) {
      for (const deployment of byKind(objects, 'Deployment')) {
        for (const { container } of containersOf(deployment)) {
          commands.add(container.args!.join(' '));
        }
      }
    }
    expect([...commands].sort()).toEqual(['api', 'migrate up', 'worker']);
    for (const command of commands) {
      const help = run(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...command.split(' '), '--help']);
      expect([command, help.status]).toEqual([command, 0]);
    }
  });
});

describe('probe and scrape paths on the real app', () => {
  const METRICS_TOKEN = 'kubernetes-spec-scrape-token-0123';
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', worker: false, env: { METRICS_TOKEN } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves every path the manifests and the chart probe or scrape on the API, and answers them', async () => {
    const paths = new Set([...httpPaths(plain(), 'api'), ...httpPaths(chart(), 'api')]);
    expect([...paths].sort()).toEqual(['/health', '/metrics', '/ready']);
    const routes = new Set(registeredRoutes(t.app).map((route) => route.id));
    for (const path of paths) {
      expect([path, routes.has(`GET ${path}`)]).toEqual([path, true]);
    }
    // Probes send no credentials; the scrape sends the token.
    expect((await t.request('GET', '/health')).status).toBe(200);
    expect((await t.request('GET', '/ready')).status).toBe(200);
    const scrape = await t.request('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(scrape.status).toBe(200);
    expect(scrape.text).toContain('http_requests_total');
    // And the check can fail: a path the app does not serve is reported.
    expect(routes.has(`GET ${httpPaths(chart('--set', 'api.readinessProbe.httpGet.path=/readyz'), 'api')[2]}`)).toBe(
      false,
    );
  });

  it("serves the worker's probe and scrape paths on the real worker listener, started with the worker's env", async () => {
    const paths = new Set([...httpPaths(plain(), 'worker'), ...httpPaths(chart(), 'worker')]);
    expect([...paths].sort()).toEqual(['/health', '/metrics']);
    const objects = plain();
    const container = one(objects, 'Deployment', 'engram-worker').spec.template.spec.containers[0] as Container;
    const { literal } = environment(objects, container);
    const worker = await createWorker(
      parseConfig({
        ...literal,
        DATABASE_URL: t.database.url,
        REDIS_URL: REDIS_URL_TEST,
        METRICS_TOKEN,
        // Its own queues, no model to load, and a free port: the rest is the manifest's env.
        QUEUE_PREFIX: `engram-k8s-${process.pid}-${Date.now()}`,
        EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
        WORKER_METRICS_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
      { databaseUrl: t.database.url, embeddedDatabase: false },
    );
    try {
      const port = worker.get(WorkerMetricsServer).listeningPort!;
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(5000) });
      const probed = new Set<string>();
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        probed.add(container[probe].httpGet.path);
      }
      // The kubelet sends no credentials.
      for (const path of probed) {
        expect([path, (await get(path)).status]).toEqual([path, 200]);
      }
      const [monitor] = byKind(objects, 'PodMonitor');
      const scrapePath = monitor.spec.podMetricsEndpoints[0].path as string;
      expect((await get(scrapePath)).status).toBe(401);
      const scrape = await get(scrapePath, { authorization: `Bearer ${METRICS_TOKEN}` });
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('engram_queue_up');
      // And the check can fail: a path the listener does not serve.
      expect((await get('/healthz')).status).toBe(404);
    } finally {
      await worker.close();
    }
  }, 30_000);

  it("the worker's exec probe (metrics off) passes with Postgres and Redis up, and fails when one is unreachable", async () => {
    const off = chart('--set', 'worker.metrics.enabled=false');
    const worker = one(off, 'Deployment', 'engram-worker').spec.template.spec.containers[0] as Container;
    expect(worker.livenessProbe).toBeUndefined();
    const [command, ...args] = worker.readinessProbe.exec.command as string[];
    expect(command).toBe('node');
    const probe = (env: Record<string, string>) => run(process.execPath, args, env).status;
    expect(probe({ DATABASE_URL: t.database.url, REDIS_URL: REDIS_URL_TEST })).toBe(0);
    const closed = await freePort();
    expect(probe({ DATABASE_URL: t.database.url, REDIS_URL: `redis://127.0.0.1:${closed}` })).toBe(1);
    expect(probe({ DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/none`, REDIS_URL: REDIS_URL_TEST })).toBe(1);
    // Within the probe's own timeout.
    expect(worker.readinessProbe.timeoutSeconds).toBeGreaterThanOrEqual(5);
  });
});
