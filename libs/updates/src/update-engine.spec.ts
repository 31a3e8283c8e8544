import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunFacts } from './runs.dto';
import { RuleApplicationError, UpdateRulesInvalidError } from './runs.errors';
import { evaluate, planRule, render } from './update-engine';
import { compileRules, rulesHash } from './update-rules';
import { Condition, UpdateRule, ruleSchema } from './update-rules.schema';

const facts: RunFacts = {
  run_id: 'r-1',
  workflow_id: 'deploy',
  status: 'failed',
  inputs: { env: 'prod' },
  outputs: { summary: 'it broke', count: 3, nested: { list: [{ name: 'a' }], flag: false }, empty: '', none: null },
  metrics: { latency_ms: 1200 },
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:01:00.000Z',
  duration_ms: 60_000,
};

const holds = (condition: Condition) => evaluate(condition, facts, 'rule-x');

function compile(document: unknown) {
  const text = JSON.stringify(document);
  return compileRules({ file: 'rules.json', text, hash: rulesHash(text) });
}

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    compileRules({ file: 'rules.json', text, hash: rulesHash(text) });
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateRulesInvalidError);
    return (error as UpdateRulesInvalidError).issues;
  }
  throw new Error('the rules compiled');
}

const rule = (partial: Record<string, unknown>): UpdateRule => ruleSchema.parse({ id: 'r', ...partial });

describe('conditions', () => {
  it('compares fields of the run, its outputs, inputs and metrics', () => {
    expect(holds({ field: 'status', op: 'eq', value: 'failed' })).toBe(true);
    expect(holds({ field: 'status', op: 'in', value: ['succeeded', 'failed'] })).toBe(true);
    expect(holds({ field: 'workflow_id', op: 'ne', value: 'deploy' })).toBe(false);
    expect(holds({ field: 'metrics.latency_ms', op: 'gt', value: 1000 })).toBe(true);
    expect(holds({ field: 'metrics.latency_ms', op: 'lte', value: 1000 })).toBe(false);
    expect(holds({ field: 'duration_ms', op: 'gte', value: 60_000 })).toBe(true);
    expect(holds({ field: 'outputs.nested.list.0.name', op: 'eq', value: 'a' })).toBe(true);
    expect(holds({ field: 'outputs.nested.flag', op: 'eq', value: false })).toBe(true);
    expect(holds({ field: 'outputs.summary', op: 'contains', value: 'broke' })).toBe(true);
    expect(holds({ field: 'outputs.summary', op: 'matches', value: '^it\\s' })).toBe(true);
    expect(holds({ field: 'inputs.env', op: 'not_in', value: ['dev'] })).toBe(true);
    expect(holds({ field: 'outputs.empty', op: 'exists' })).toBe(true);
  });

  it('is false over a missing field, whatever the operator, and never throws', () => {
    for (const field of ['outputs.absent', 'outputs.none', 'outputs.summary.deeper', 'metrics.nope', 'inputs.x.y.z']) {
      expect(holds({ field, op: 'eq', value: 1 })).toBe(false);
      expect(holds({ field, op: 'ne', value: 1 })).toBe(false);
      expect(holds({ field, op: 'not_in', value: [1] })).toBe(false);
      expect(holds({ field, op: 'gt', value: 0 })).toBe(false);
      expect(holds({ field, op: 'exists' })).toBe(false);
      expect(holds({ field, op: 'matches', value: '.*' })).toBe(false);
      // Absence is asked with not
      expect(holds({ not: { field, op: 'exists' } })).toBe(true);
    }
    const none = { ...facts, outputs: null, metrics: null };
    expect(evaluate({ field: 'outputs.summary', op: 'exists' }, none, 'r')).toBe(false);
  });

  it('is strict about types: a field of another type makes the comparison false', () => {
    expect(holds({ field: 'outputs.count', op: 'eq', value: '3' })).toBe(false);
    expect(holds({ field: 'outputs.summary', op: 'gt', value: 1 })).toBe(false);
    expect(holds({ field: 'outputs.count', op: 'matches', value: '3' })).toBe(false);
    expect(holds({ field: 'outputs.nested', op: 'ne', value: 'x' })).toBe(false);
  });

  it('combines with all, any and not', () => {
    const failed = { field: 'status', op: 'eq', value: 'failed' } as const;
    const slow = { field: 'metrics.latency_ms', op: 'gt', value: 5000 } as const;
    expect(holds({ all: [failed, slow] })).toBe(false);
    expect(holds({ any: [failed, slow] })).toBe(true);
    expect(holds({ not: { all: [failed, slow] } })).toBe(true);
  });
});

describe('templates', () => {
  it('fills placeholders, keeps a lone placeholder’s type, and takes fallbacks', () => {
    expect(render('{{workflow_id}}/{{run_id}}', facts, 'r', 'x')).toBe('deploy/r-1');
    expect(render('{{outputs.nested}}', facts, 'r', 'x')).toEqual({ list: [{ name: 'a' }], flag: false });
    expect(render('{{ outputs.count }}', facts, 'r', 'x')).toBe(3);
    expect(render('n={{outputs.count}} {{outputs.nested.list}}', facts, 'r', 'x')).toBe('n=3 [{"name":"a"}]');
    expect(render({ a: ['{{rule_id}}', 1, null] }, facts, 'rule-7', 'x')).toEqual({ a: ['rule-7', 1, null] });
    expect(render('{{outputs.absent | nothing here}}', facts, 'r', 'x')).toBe('nothing here');
    expect(render('{{outputs.empty | fallback}}', facts, 'r', 'x')).toBe('');
  });

  it('refuses a placeholder with no value and no fallback: template_unresolved, naming it', () => {
    let error: unknown;
    try {
      render('about {{outputs.none}}', facts, 'r', 'actions.0.content');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RuleApplicationError);
    expect(error).toMatchObject({
      code: 'template_unresolved',
      details: { field: 'outputs.none', where: 'actions.0.content' },
    });
  });
});

describe('planning a rule', () => {
  it('plans nothing when the condition does not hold', () => {
    expect(
      planRule(
        rule({
          when: { field: 'status', op: 'eq', value: 'succeeded' },
          actions: [{ type: 'write_memory', namespace: 'n', content: 'x' }],
        }),
        facts,
      ),
    ).toEqual({ matched: false, actions: [] });
  });

  it('fills in and validates every action', () => {
    const plan = planRule(
      rule({
        actions: [
          { type: 'upsert_pin', key: 'runs:{{workflow_id}}', value: { count: '{{outputs.count}}' }, ttl_seconds: 60 },
          {
            type: 'write_memory',
            namespace: 'ns-{{workflow_id}}',
            content: '{{outputs.summary}}',
            tags: ['w:{{workflow_id}}'],
          },
          { type: 'expire_memories', filter: { namespace: 'ns', metadata: { run: '{{run_id}}' } } },
          { type: 'adjust_importance', filter: { namespace: 'ns', tags: ['t'] }, set: 0.9 },
        ],
      }),
      facts,
    );
    expect(plan.actions).toEqual([
      {
        type: 'upsert_pin',
        pin: { key: 'runs:deploy', value: { count: 3 }, ttl_seconds: 60, source: 'post-update:r' },
      },
      {
        type: 'write_memory',
        memory: expect.objectContaining({
          namespace: 'ns-deploy',
          content: 'it broke',
          tags: ['w:deploy'],
          type: 'episodic',
          create_namespace: false,
        }),
      },
      { type: 'expire_memories', selection: { namespace: 'ns', metadata: { run: 'r-1' }, limit: 100 }, ttlSeconds: 0 },
      { type: 'adjust_importance', selection: { namespace: 'ns', tags: ['t'], limit: 100 }, set: 0.9 },
    ]);
  });

  it('refuses a filled-in value its service would refuse: invalid_rule_action, naming the field', () => {
    const bad = rule({ actions: [{ type: 'upsert_pin', key: 'has space {{run_id}}', value: 1 }] });
    expect(() => planRule(bad, facts)).toThrow(expect.objectContaining({ code: 'invalid_rule_action' }));
    const empty = rule({ actions: [{ type: 'write_memory', namespace: 'n', content: '{{outputs.empty}}' }] });
    expect(() => planRule(empty, facts)).toThrow(
      expect.objectContaining({ code: 'invalid_rule_action', message: expect.stringContaining('actions.0.content') }),
    );
    const badNamespace = rule({ actions: [{ type: 'expire_memories', filter: { namespace: '{{outputs.summary}}' } }] });
    expect(() => planRule(badNamespace, facts)).toThrow(expect.objectContaining({ code: 'invalid_rule_action' }));
  });
});

describe('the rules file', () => {
  it('the committed file loads', () => {
    const text = readFileSync(join(__dirname, '../../../config/memory-update-rules.json'), 'utf8');
    const compiled = compileRules({ file: 'x', text, hash: rulesHash(text) });
    expect(compiled.version).toBe('1');
    expect(compiled.rules.map((r) => r.id)).toEqual(['last-failure-pin', 'run-summary', 'slow-run-importance']);
  });

  it('refuses what does not parse or validate, listing each problem', () => {
    expect(issuesOf('')).toEqual([{ path: '(file)', message: 'is empty' }]);
    expect(issuesOf('{"version": 1, "rules": [')[0].message).toMatch(/not valid JSON/);
    const action = { type: 'write_memory', namespace: 'n', content: 'x' };
    const cases: [unknown, string][] = [
      [{ rules: [] }, 'version'],
      [
        {
          version: 1,
          rules: [
            { id: 'a', actions: [action] },
            { id: 'a', actions: [action] },
          ],
        },
        'rules.1.id',
      ],
      [{ version: 1, rules: [{ id: 'Bad Id', actions: [action] }] }, 'rules.0.id'],
      [{ version: 1, rules: [{ id: 'a', actions: [] }] }, 'rules.0.actions'],
      [
        { version: 1, rules: [{ id: 'a', actions: [{ ...action, content: '{{outputs}}' }] }] },
        'rules.0.actions.0.content',
      ],
      [
        { version: 1, rules: [{ id: 'a', actions: [{ ...action, content: '{{outputs.x' }] }] },
        'rules.0.actions.0.content',
      ],
      [{ version: 1, rules: [{ id: 'a', actions: [{ type: 'delete_everything' }] }] }, 'rules.0.actions.0.type'],
      [
        { version: 1, rules: [{ id: 'a', actions: [{ type: 'adjust_importance', filter: { namespace: 'n' } }] }] },
        'rules.0.actions.0',
      ],
      [
        { version: 1, rules: [{ id: 'a', when: { field: 'metrics.x', op: 'gt', value: 'ten' }, actions: [action] }] },
        'rules.0.when',
      ],
      [
        {
          version: 1,
          rules: [{ id: 'a', when: { field: 'outputs.x', op: 'matches', value: '(' }, actions: [action] }],
        },
        'rules.0.when',
      ],
      [
        { version: 1, rules: [{ id: 'a', when: { field: 'secret', op: 'exists' }, actions: [action] }] },
        'rules.0.when',
      ],
      [{ version: 1, rules: [{ id: 'a', actions: [action], extra: true }] }, 'rules.0'],
    ];
    for (const [document, path] of cases) {
      const issues = issuesOf(JSON.stringify(document));
      expect([path, issues.some((issue) => issue.path === path || issue.path.startsWith(`${path}.`))]).toEqual([
        path,
        true,
      ]);
    }
  });

  it('keeps file order and drops disabled rules', () => {
    const action = { type: 'write_memory', namespace: 'n', content: 'x' };
    const compiled = compile({
      version: 'v2',
      rules: [
        { id: 'b', actions: [action] },
        { id: 'a', enabled: false, actions: [action] },
        { id: 'c', actions: [action], stop: true },
      ],
    });
    expect(compiled.version).toBe('v2');
    expect(compiled.rules.map((r) => [r.id, r.stop])).toEqual([
      ['b', false],
      ['c', true],
    ]);
  });
});
