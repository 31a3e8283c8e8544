import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACTIONS, RESOURCES } from '@engram/rbac';

/** The committed default policy, as a mutable object for tests to vary. */
export function defaultPolicy(): Record<string, any> {
  return JSON.parse(readFileSync(join(__dirname, '../../config/rbac-policies.json'), 'utf8'));
}

export interface PolicyDir {
  file: string;
  /** Writes a document (or raw text) the way editors do: a temporary file renamed over the old one. */
  write(policy: Record<string, unknown> | string): void;
  /** Environment pointing RBAC_POLICY_FILE here; no watcher and no polling unless overridden. */
  env(extra?: Record<string, string>): Record<string, string>;
  remove(): void;
}

export function policyDir(initial: Record<string, unknown> | string = defaultPolicy()): PolicyDir {
  const dir = mkdtempSync(join(tmpdir(), 'engram-rbac-'));
  const file = join(dir, 'rbac-policies.json');
  let writes = 0;
  const dirHandle: PolicyDir = {
    file,
    write(policy) {
      const next = join(dir, `.next-${writes++}.tmp`);
      writeFileSync(next, typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2));
      renameSync(next, file);
    },
    env(extra = {}) {
      return { RBAC_POLICY_FILE: file, RBAC_WATCH: 'false', RBAC_POLL_INTERVAL_MS: '0', ...extra };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  dirHandle.write(initial);
  return dirHandle;
}

/** The default policy without one action of one role's rule on one resource. */
export function policyWithout(
  role: string,
  resource: string,
  action: string,
  version: number | string = 'narrowed',
): Record<string, any> {
  const policy = defaultPolicy();
  policy.version = version;
  policy.rules = policy.rules.flatMap((rule: { role: string; resource: string; actions: string[] }) => {
    if (rule.role !== role) {
      return [rule];
    }
    if (rule.resource === '*' || rule.resource === resource) {
      const expanded =
        rule.resource === '*'
          ? [
              ...RESOURCES.filter((other) => other !== resource).map((other) => ({
                role,
                resource: other,
                actions: ['*'],
              })),
              { role, resource, actions: ACTIONS.filter((a) => a !== action) },
            ]
          : [{ ...rule, actions: rule.actions.filter((a) => a !== action) }];
      return expanded.filter((r) => r.actions.length > 0);
    }
    return [rule];
  });
  return policy;
}
