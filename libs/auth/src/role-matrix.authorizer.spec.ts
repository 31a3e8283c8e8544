import { Action, Principal, Resource } from '@engram/common';
import { RoleMatrixAuthorizer } from './role-matrix.authorizer';

const RESOURCES: Resource[] = ['memory_pin', 'memory', 'context', 'tenant', 'api_key', 'policy', 'drift', 'metrics'];
const ACTIONS: Action[] = ['read', 'write', 'delete', 'admin', 'reload'];

function principal(role: string, scopes?: string[]): Principal {
  return { kind: 'api_key', role, tenantId: 't', actor: 'key:x', ...(scopes ? { scopes } : {}) };
}

function granted(role: string, scopes?: string[]): string[] {
  const authorizer = new RoleMatrixAuthorizer();
  return RESOURCES.flatMap((resource) =>
    ACTIONS.filter((action) => authorizer.authorize(principal(role, scopes), { resource, action }).allowed).map(
      (action) => `${resource}:${action}`,
    ),
  );
}

describe('RoleMatrixAuthorizer', () => {
  it('grants infra and admin everything', () => {
    expect(granted('infra')).toHaveLength(RESOURCES.length * ACTIONS.length);
    expect(granted('admin')).toHaveLength(RESOURCES.length * ACTIONS.length);
  });

  it('grants machine read and write on data, dev read on data and metrics, readonly read on data', () => {
    expect(granted('machine')).toEqual([
      'memory_pin:read',
      'memory_pin:write',
      'memory:read',
      'memory:write',
      'context:read',
      'context:write',
    ]);
    expect(granted('dev')).toEqual(['memory_pin:read', 'memory:read', 'context:read', 'metrics:read']);
    expect(granted('readonly')).toEqual(['memory_pin:read', 'memory:read', 'context:read']);
    expect(granted('nobody')).toEqual([]);
  });

  it('narrows a role by scopes and never widens it', () => {
    expect(granted('machine', ['read'])).toEqual(['memory_pin:read', 'memory:read', 'context:read']);
    expect(granted('readonly', ['read', 'write', 'delete'])).toEqual(['memory_pin:read', 'memory:read', 'context:read']);
    const decision = new RoleMatrixAuthorizer().authorize(principal('machine', ['read']), { resource: 'memory_pin', action: 'write' });
    expect(decision).toEqual({ allowed: false, policyAllows: false, enforced: true, reason: 'scope' });
  });
});
