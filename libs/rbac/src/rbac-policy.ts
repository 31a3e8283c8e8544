import { parseJsonFile } from '@engram/reload';
import { Enforcer, newEnforcer, newModelFromString } from 'casbin';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ACTIONS, DEFAULT_MODEL, RESOURCES, ROLES, WILDCARD } from './rbac.constants';
import { PolicyInvalidError, PolicyIssue } from './rbac.errors';
import { PolicyFile, policyFileSchema } from './rbac-policy.schema';

export interface PolicySource {
  file: string;
  text: string;
  /** First 16 hex digits of the SHA-256 of the file's bytes. */
  hash: string;
}

export type Matrix = Record<string, Record<string, string[]>>;

const KNOWN_ROLES = new Set<string>(ROLES);
const KNOWN_RESOURCES = new Set<string>(RESOURCES);
const KNOWN_ACTIONS = new Set<string>(ACTIONS);

export function policyHash(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

export async function readPolicySource(file: string): Promise<PolicySource> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new PolicyInvalidError(file, [
      {
        path: '(file)',
        message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      },
    ]);
  }
  return { file, text: bytes.toString('utf8'), hash: policyHash(bytes) };
}

/**
 * One loaded policy: immutable once built, so a reload builds another and swaps the reference
 * (refilling an enforcer in place would leave a moment with no rules for concurrent checks).
 */
export class CompiledPolicy {
  /**
   * A decision depends only on (role, resource, action) and the policy never changes after
   * build, so each answer is computed by the enforcer once. Only known names are remembered,
   * which bounds the map at roles × resources × actions.
   */
  private readonly decisions = new Map<string, boolean>();
  readonly loadedAt = new Date();

  constructor(
    readonly source: PolicySource,
    readonly document: PolicyFile,
    private readonly enforcer: Enforcer,
    readonly ruleCount: number,
    readonly inheritanceCount: number,
  ) {}

  get version(): string {
    return String(this.document.version);
  }

  get hash(): string {
    return this.source.hash;
  }

  allows(role: string, resource: string, action: string): boolean {
    const key = `${role}\u0000${resource}\u0000${action}`;
    const known = this.decisions.get(key);
    if (known !== undefined) {
      return known;
    }
    const decision = this.enforcer.enforceSync(role, resource, action);
    if (KNOWN_ROLES.has(role) && KNOWN_RESOURCES.has(resource) && KNOWN_ACTIONS.has(action)) {
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** Role → resource → allowed actions, as the enforcer decides them (inheritance included). */
  matrix(): Matrix {
    const matrix: Matrix = {};
    for (const role of ROLES) {
      matrix[role] = {};
      for (const resource of RESOURCES) {
        matrix[role][resource] = ACTIONS.filter((action) => this.allows(role, resource, action));
      }
    }
    return matrix;
  }
}

/** Parses, validates and builds a policy; every problem becomes a PolicyInvalidError issue. */
export async function compilePolicy(source: PolicySource): Promise<CompiledPolicy> {
  const fail = (issues: PolicyIssue[]): never => {
    throw new PolicyInvalidError(source.file, issues);
  };
  const parsed = parseJsonFile(source.text, policyFileSchema);
  if (!parsed.success) {
    return fail(parsed.issues);
  }
  const document = parsed.data;
  const rules = policyRules(document);
  const inheritance = Object.entries(document.roles).flatMap(([role, definition]) =>
    definition.inherits.map((parent) => [role, parent]),
  );
  let enforcer: Enforcer;
  try {
    const modelText = document.model === undefined ? DEFAULT_MODEL : [document.model].flat().join('\n');
    enforcer = await newEnforcer(newModelFromString(modelText));
    await enforcer.addPolicies(rules);
    if (inheritance.length > 0) {
      await enforcer.addGroupingPolicies(inheritance);
    }
    await enforcer.buildRoleLinks();
  } catch (error) {
    return fail([{ path: 'model', message: `does not build: ${(error as Error).message}` }]);
  }
  selfCheck(enforcer, rules, fail);
  return new CompiledPolicy(source, document, enforcer, rules.length, inheritance.length);
}

/** One `p` line per (role, resource, action), duplicates removed (the enforcer refuses a batch holding one). */
function policyRules(document: PolicyFile): string[][] {
  const seen = new Map<string, string[]>();
  for (const rule of document.rules) {
    for (const action of rule.actions) {
      seen.set(`${rule.role}\u0000${rule.resource}\u0000${action}`, [rule.role, rule.resource, action]);
    }
  }
  return [...seen.values()];
}

/**
 * A custom model could ignore the rules it is given (a matcher on the wrong fields) or fail only
 * when evaluated; asking it about every rule before it goes live turns both into load errors.
 */
function selfCheck(enforcer: Enforcer, rules: string[][], fail: (issues: PolicyIssue[]) => never): void {
  for (const [role, resource, action] of rules) {
    const probe = [role, resource === WILDCARD ? RESOURCES[0] : resource, action === WILDCARD ? ACTIONS[0] : action];
    let granted: boolean;
    try {
      granted = enforcer.enforceSync(...probe);
    } catch (error) {
      return fail([{ path: 'model', message: `fails to evaluate: ${(error as Error).message}` }]);
    }
    if (!granted) {
      fail([{ path: 'model', message: `does not grant the rule (${probe.join(', ')}); check its matchers` }]);
    }
  }
}
