import { Logger } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigService, parseConfig } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { PERMISSION_KEY, Permission, Principal } from '@engram/common';
import { startTestApp } from '@engram/test-support/app';
import { defaultPolicy, policyDir } from '@engram/test-support/rbac-policy';
import { RbacAuditService } from './rbac-audit.service';
import { CompiledPolicy, compilePolicy, policyHash } from './rbac-policy';
import { NoReloadBroadcast } from '@engram/reload';
import { FeatureFlagsService, FlagsRepository } from '@engram/flags';
import { RESOURCES } from './rbac.constants';
import { PolicyInvalidError } from './rbac.errors';
import { RbacService } from './rbac.service';
import { isValidScope, scopesPermit } from './rbac-scopes';

const compile = (text: string): Promise<CompiledPolicy> =>
  compilePolicy({ file: 'test.json', text, hash: policyHash(text) });

async function issuesOf(text: string): Promise<{ path: string; message: string }[]> {
  try {
    await compile(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyInvalidError);
    expect((error as PolicyInvalidError).code).toBe('policy_invalid');
    return (error as PolicyInvalidError).issues;
  }
  throw new Error('the policy compiled');
}

const ALL = ['read', 'write', 'delete', 'admin', 'reload'];
const NONE: string[] = [];
const DATA = ['memory_pin', 'memory', 'context', 'drift', 'run'];

describe('the committed policy file', () => {
  it('gives each role the starting matrix', async () => {
    const policy = await compile(readFileSync(join(__dirname, '../../../config/rbac-policies.json'), 'utf8'));
    const matrix = policy.matrix();
    for (const role of ['infra', 'admin']) {
      for (const resource of Object.keys(matrix[role])) {
        expect(matrix[role][resource]).toEqual(ALL);
      }
    }
    for (const [resource, actions] of Object.entries(matrix.machine)) {
      expect(actions).toEqual(
        DATA.includes(resource) || resource === 'proxy'
          ? ['read', 'write']
          : resource === 'feature_flag'
            ? ['read']
            : NONE,
      );
    }
    for (const [resource, actions] of Object.entries(matrix.agent)) {
      const expected = {
        memory: ['read', 'write', 'delete'],
        memory_pin: ['read', 'write', 'delete'],
        context: ['read'],
        proxy: ['read', 'write'],
        run: ['read', 'write'],
      };
      expect(actions).toEqual(expected[resource as keyof typeof expected] ?? NONE);
    }
    for (const [resource, actions] of Object.entries(matrix.dev)) {
      expect(actions).toEqual(
        DATA.includes(resource) || ['metrics', 'proxy', 'feature_flag'].includes(resource) ? ['read'] : NONE,
      );
    }
    for (const [resource, actions] of Object.entries(matrix.readonly)) {
      expect(actions).toEqual(
        DATA.includes(resource) || ['proxy', 'feature_flag'].includes(resource) ? ['read'] : NONE,
      );
    }
    expect(policy.version).toBe('1');
    expect(policy.ruleCount).toBe(26);
    expect(policy.inheritanceCount).toBe(3);
  });
});

describe('resources and routes', () => {
  it('every resource RBAC knows, and every resource the committed policy names, has a route', async () => {
    const t = await startTestApp({ queue: 'inline' });
    const declared = new Set<string>();
    try {
      for (const module of t.app.get(ModulesContainer).values()) {
        for (const wrapper of module.controllers.values()) {
          const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
          for (const name of controller ? Object.getOwnPropertyNames(controller.prototype) : []) {
            const handler = (controller!.prototype as Record<string, unknown>)[name];
            if (typeof handler === 'function' && Reflect.getMetadata(METHOD_METADATA, handler) !== undefined) {
              const permission = (Reflect.getMetadata(PERMISSION_KEY, handler) ??
                Reflect.getMetadata(PERMISSION_KEY, controller!)) as Permission | undefined;
              if (permission) {
                declared.add(permission.resource);
              }
            }
          }
        }
      }
    } finally {
      await t.close();
    }
    const named = (defaultPolicy().rules as { resource: string }[])
      .map((rule) => rule.resource)
      .filter((r) => r !== '*');
    const unrouted = [...new Set([...RESOURCES, ...named])].filter((resource) => !declared.has(resource));
    expect(unrouted).toEqual([]);
  });
});

describe('policy validation', () => {
  const valid = () => defaultPolicy();

  it('rejects an empty file', async () => {
    expect(await issuesOf('')).toEqual([{ path: '(file)', message: 'is empty' }]);
    expect(await issuesOf('  \n')).toEqual([{ path: '(file)', message: 'is empty' }]);
  });

  it('rejects truncated JSON', async () => {
    const text = JSON.stringify(valid());
    const [issue] = await issuesOf(text.slice(0, text.length / 2));
    expect(issue.path).toBe('(file)');
    expect(issue.message).toMatch(/^is not valid JSON: /);
  });

  it('rejects an unknown role, naming it and where it is', async () => {
    const policy = valid();
    policy.roles.superuser = {};
    policy.rules.push({ role: 'superuser', resource: '*', actions: ['*'] });
    const issues = await issuesOf(JSON.stringify(policy));
    expect(issues).toContainEqual({
      path: 'roles.superuser',
      message: expect.stringContaining('unknown role "superuser"'),
    });
    expect(issues).toContainEqual({
      path: `rules.${policy.rules.length - 1}.role`,
      message: expect.stringContaining('unknown role "superuser"'),
    });
  });

  it('rejects unknown resources and actions', async () => {
    const policy = valid();
    policy.rules[1] = { role: 'readonly', resource: 'secrets', actions: ['read', 'fly'] };
    const issues = await issuesOf(JSON.stringify(policy));
    expect(issues).toEqual([
      { path: 'rules.1.resource', message: expect.stringContaining('unknown resource "secrets"') },
      { path: 'rules.1.actions.1', message: expect.stringContaining('unknown action "fly"') },
    ]);
  });

  it('rejects wrong types', async () => {
    const policy = valid();
    policy.version = true;
    policy.rules[0].actions = 'read';
    policy.roles.dev.inherits = 'readonly';
    const paths = (await issuesOf(JSON.stringify(policy))).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'rules.0.actions', 'roles.dev.inherits']));
    expect(await issuesOf('[]')).toEqual([{ path: '(root)', message: expect.stringContaining('expected object') }]);
    expect(await issuesOf('42')).toEqual([{ path: '(root)', message: expect.stringContaining('expected object') }]);
  });

  it('rejects misspelt keys, missing parts, empty rule lists and undeclared roles', async () => {
    const policy = valid();
    policy.rule = policy.rules;
    expect(await issuesOf(JSON.stringify(policy))).toContainEqual({
      path: '(root)',
      message: 'Unrecognized key: "rule"',
    });
    expect(await issuesOf(JSON.stringify({ ...valid(), rules: [] }))).toEqual([
      { path: 'rules', message: 'must hold at least one rule' },
    ]);
    const { roles: _roles, ...withoutRoles } = valid();
    expect((await issuesOf(JSON.stringify(withoutRoles)))[0].path).toBe('roles');
    const undeclared = valid();
    delete undeclared.roles.dev;
    expect(await issuesOf(JSON.stringify(undeclared))).toEqual([
      { path: 'rules.5.role', message: 'role "dev" is not declared under "roles"' },
    ]);
  });

  it('rejects inheritance cycles', async () => {
    const policy = valid();
    policy.roles.readonly.inherits = ['dev'];
    expect(await issuesOf(JSON.stringify(policy))).toEqual([
      { path: 'roles', message: expect.stringMatching(/cycle: (readonly → dev → readonly|dev → readonly → dev)/) },
    ]);
  });

  it('rejects a model that does not build, fails to evaluate, or ignores the rules', async () => {
    const broken = { ...valid(), model: '[request_definition]\nr = sub, obj, act' };
    expect((await issuesOf(JSON.stringify(broken)))[0].path).toBe('model');
    const lines: string[] = valid().model;
    const ignoring = {
      ...valid(),
      model: lines.map((line) => (line.startsWith('m =') ? 'm = r.sub == "nobody"' : line)),
    };
    expect(await issuesOf(JSON.stringify(ignoring))).toEqual([
      { path: 'model', message: expect.stringContaining('does not grant the rule (admin, memory_pin, read)') },
    ]);
  });

  it('accepts the model as one string, or no model at all', async () => {
    const asText = { ...valid(), model: (valid().model as string[]).join('\n') };
    expect((await compile(JSON.stringify(asText))).allows('machine', 'memory', 'write')).toBe(true);
    const { model: _model, ...withoutModel } = valid();
    const policy = await compile(JSON.stringify(withoutModel));
    expect(policy.allows('dev', 'metrics', 'read')).toBe(true);
    expect(policy.allows('dev', 'metrics', 'write')).toBe(false);
  });
});

describe('scopes', () => {
  it('accepts actions, resource:action, resource:* and *', () => {
    for (const scope of ['read', 'memory_pin:write', 'memory:*', '*']) {
      expect(isValidScope(scope)).toBe(true);
    }
    for (const scope of ['fly', 'pins:read', 'memory_pin:', ':read', 'read ']) {
      expect(isValidScope(scope)).toBe(false);
    }
  });

  it('narrows: a scope must cover the permission; no scopes leave the role alone, an empty list allows nothing', () => {
    const write = { resource: 'memory_pin', action: 'write' } as const;
    expect(scopesPermit(['read'], write)).toBe(false);
    expect(scopesPermit(['memory:write'], write)).toBe(false);
    expect(scopesPermit(['write'], write)).toBe(true);
    expect(scopesPermit(['read', 'memory_pin:write'], write)).toBe(true);
    expect(scopesPermit(['memory_pin:*'], write)).toBe(true);
    expect(scopesPermit(['*'], write)).toBe(true);
    expect(scopesPermit(undefined, write)).toBe(true);
    expect(scopesPermit([], write)).toBe(false);
  });
});

describe('RbacService decisions', () => {
  const recorded: unknown[] = [];
  const audit = { record: (event: unknown) => recorded.push(event) } as unknown as RbacAuditService;
  const dir = policyDir();
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => dir.remove());

  async function service(env: Record<string, string> = {}): Promise<{ rbac: RbacService; metrics: MetricsService }> {
    const metrics = new MetricsService();
    const config = new ConfigService(parseConfig({ LOG_LEVEL: 'silent', ...dir.env(env) }));
    // Flags not started: environment and defaults answer (no file, no tenant overrides, no database).
    const flags = new FeatureFlagsService(
      config,
      metrics,
      null as unknown as FlagsRepository,
      new NoReloadBroadcast(),
      new NoReloadBroadcast(),
    );
    const rbac = new RbacService(config, metrics, audit, new NoReloadBroadcast(), flags);
    await rbac.onModuleInit();
    return { rbac, metrics };
  }
  const as = (role: string, scopes?: string[]): Principal => ({
    kind: 'api_key',
    role,
    tenantId: 'acme',
    actor: `key:${role}`,
    scopes,
  });

  it('decides every role × resource × action as the matrix says', async () => {
    const { rbac } = await service();
    const matrix = rbac.matrix();
    for (const role of Object.keys(matrix)) {
      for (const [resource, actions] of Object.entries(matrix[role])) {
        for (const action of ALL) {
          const decision = rbac.authorize(as(role), { resource, action } as never);
          expect(decision).toEqual({
            allowed: actions.includes(action),
            policyAllows: actions.includes(action),
            enforced: true,
            reason: actions.includes(action) ? 'role' : 'no_rule',
          });
        }
      }
    }
    await rbac.onApplicationShutdown();
  });

  it('lets scopes narrow a role and never widen it', async () => {
    const { rbac } = await service();
    const pinWrite = { resource: 'memory_pin', action: 'write' } as const;
    expect(rbac.authorize(as('machine', ['read']), pinWrite)).toMatchObject({ allowed: false, reason: 'scope' });
    expect(rbac.authorize(as('machine', ['read']), { resource: 'memory_pin', action: 'read' })).toMatchObject({
      allowed: true,
    });
    expect(rbac.authorize(as('machine', ['memory_pin:write']), pinWrite)).toMatchObject({ allowed: true });
    expect(rbac.authorize(as('readonly', ['*']), pinWrite)).toMatchObject({ allowed: false, reason: 'no_rule' });
    expect(rbac.authorize(as('root'), pinWrite)).toMatchObject({ allowed: false, reason: 'unknown_role' });
    await rbac.onApplicationShutdown();
  });

  it('in shadow mode lets denials through, still reporting, counting and auditing them', async () => {
    const { rbac, metrics } = await service({ RBAC_ENFORCE: 'false' });
    recorded.length = 0;
    const decision = rbac.authorize(as('readonly'), { resource: 'memory_pin', action: 'write' });
    expect(decision).toEqual({ allowed: true, policyAllows: false, enforced: false, reason: 'no_rule' });
    expect(recorded).toEqual([
      expect.objectContaining({
        tenant_id: 'acme',
        role: 'readonly',
        decision: 'deny',
        enforced: false,
        reason: 'no_rule',
      }),
    ]);
    expect(await metrics.registry.getSingleMetricAsString('rbac_decisions_total')).toContain(
      'rbac_decisions_total{resource="memory_pin",action="write",decision="would_deny",reason="no_rule"} 1',
    );
    expect(rbac.info().enforce_mode).toBe('shadow');
    await rbac.onApplicationShutdown();
  });
});
