import { z } from 'zod';
import { ACTIONS, RESOURCES, ROLES, Role, WILDCARD } from './rbac.constants';

const list = (values: readonly string[]) => values.join(', ');

const roleSchema = z.enum(ROLES, {
  error: (issue) => `unknown role ${JSON.stringify(issue.input)}; roles are ${list(ROLES)}`,
});
const resourceSchema = z.enum([...RESOURCES, WILDCARD], {
  error: (issue) => `unknown resource ${JSON.stringify(issue.input)}; resources are ${list(RESOURCES)} or "*"`,
});
const actionSchema = z.enum([...ACTIONS, WILDCARD], {
  error: (issue) => `unknown action ${JSON.stringify(issue.input)}; actions are ${list(ACTIONS)} or "*"`,
});

const VERSION_RULE = 'must be a non-negative integer or 1..64 characters of A-Z a-z 0-9 . _ : -';

const ruleSchema = z.strictObject({
  role: roleSchema,
  resource: resourceSchema,
  actions: z.array(actionSchema).min(1, 'must list at least one action'),
  description: z.string().max(1000).optional(),
});

/**
 * The policy file. Strict objects: a misspelt key ("rule", "inherit") is an error rather than
 * a silently ignored permission.
 */
export const policyFileSchema = z
  .strictObject({
    version: z.union([z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, VERSION_RULE), z.int().min(0, VERSION_RULE)], {
      error: VERSION_RULE,
    }),
    description: z.string().max(1000).optional(),
    /** Casbin model text, as one string or as lines; the built-in model when absent. */
    model: z
      .union([z.string().min(1), z.array(z.string()).min(1)], { error: 'must be a string or an array of lines' })
      .optional(),
    roles: z
      .record(
        z.string(),
        z.strictObject({
          description: z.string().max(1000).optional(),
          inherits: z.array(roleSchema).default([]),
        }),
      )
      .superRefine((roles, context) => {
        for (const name of Object.keys(roles)) {
          if (!(ROLES as readonly string[]).includes(name)) {
            context.addIssue({
              code: 'custom',
              path: [name],
              message: `unknown role "${name}"; roles are ${list(ROLES)}`,
            });
          }
        }
      })
      .refine((roles) => Object.keys(roles).length > 0, 'must declare at least one role')
      .transform((roles) => roles as Partial<Record<Role, { description?: string; inherits: Role[] }>>),
    rules: z.array(ruleSchema).min(1, 'must hold at least one rule'),
  })
  .superRefine((file, context) => {
    const declared = new Set(Object.keys(file.roles));
    file.rules.forEach((rule, index) => {
      if (!declared.has(rule.role)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'role'],
          message: `role "${rule.role}" is not declared under "roles"`,
        });
      }
    });
    for (const [role, definition] of Object.entries(file.roles)) {
      definition.inherits.forEach((parent, index) => {
        if (!declared.has(parent)) {
          context.addIssue({
            code: 'custom',
            path: ['roles', role, 'inherits', index],
            message: `role "${parent}" is not declared under "roles"`,
          });
        }
      });
    }
    const cycle = findInheritanceCycle(file.roles);
    if (cycle) {
      context.addIssue({ code: 'custom', path: ['roles'], message: `roles inherit in a cycle: ${cycle.join(' → ')}` });
    }
  });

export type PolicyFile = z.infer<typeof policyFileSchema>;

function findInheritanceCycle(roles: Partial<Record<Role, { inherits: Role[] }>>): Role[] | null {
  const state = new Map<Role, 'visiting' | 'done'>();
  const visit = (role: Role, trail: Role[]): Role[] | null => {
    if (state.get(role) === 'visiting') {
      return [...trail.slice(trail.indexOf(role)), role];
    }
    if (state.get(role) === 'done') {
      return null;
    }
    state.set(role, 'visiting');
    for (const parent of roles[role]?.inherits ?? []) {
      const cycle = visit(parent, [...trail, role]);
      if (cycle) {
        return cycle;
      }
    }
    state.set(role, 'done');
    return null;
  };
  for (const role of Object.keys(roles) as Role[]) {
    const cycle = visit(role, []);
    if (cycle) {
      return cycle;
    }
  }
  return null;
}
