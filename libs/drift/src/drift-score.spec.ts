import {
  canonicalJson,
  combine,
  nestingDepth,
  outputHash,
  severityOf,
  structuralDiff,
  textDistance,
} from './drift-score';

const THRESHOLDS = { low: 0.1, medium: 0.3, high: 0.6 };
const EVEN = { structural: 0.5, text: 0.5 };

describe('structuralDiff', () => {
  it('lists paths in code-point order of the path text, quoting keys that are not identifiers', () => {
    const diff = structuralDiff(
      { b: 1, 'a b': 1, list: [{ x: 1 }] },
      { b: 1, 'a b': 2, list: [{ x: 1 }, 'n'], Z: null },
    );
    expect(diff.changes.map((c) => [c.path, c.change])).toEqual([
      ['$.Z', 'added'],
      ['$.list[1]', 'added'],
      ['$["a b"]', 'value_changed'],
    ]);
    expect(diff.counts).toMatchObject({ total: 5, added: 2, value_changed: 1 });
  });

  it('treats key order as meaningless and empty containers as leaves', () => {
    const a = { x: { p: 1, q: [] }, y: {} };
    const b = { y: {}, x: { q: [], p: 1 } };
    expect(structuralDiff(a, b).changes).toEqual([]);
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(outputHash(a)).toBe(outputHash(b));
    expect(structuralDiff({ q: [] }, { q: {} }).changes).toEqual([
      { path: '$.q', change: 'type_changed', baseline_type: 'array', augmented_type: 'object' },
    ]);
    // An emptied container: its items are removed, the empty container is added.
    expect(structuralDiff({ q: [1] }, { q: [] }).counts).toMatchObject({ total: 2, removed: 1, added: 1 });
  });

  it('judges strings by meaning only: a changed string is a text pair, not a value change', () => {
    const diff = structuralDiff({ s: 'one', t: 'same', n: 1 }, { s: 'two', t: 'same', n: 1 });
    expect(diff.counts).toMatchObject({ total: 3, text: 2, text_changed: 1, value_changed: 0 });
    expect(diff.textPairs).toEqual([{ path: '$.s', baseline: 'one', augmented: 'two' }]);
  });

  it('measures nesting depth without recursion', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) {
      deep = { d: deep };
    }
    expect(nestingDepth(deep)).toBe(10_001);
    expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(nestingDepth(5)).toBe(0);
  });
});

describe('textDistance', () => {
  it('is 0 for equal texts, 1 against empty text or a zero vector, else 1 − cosine clamped to [0, 1]', () => {
    expect(textDistance('a', 'a', null, null)).toBe(0);
    expect(textDistance('a', ' ', [1, 0], null)).toBe(1);
    expect(textDistance('a', 'b', [1, 0], [0, 0])).toBe(1);
    expect(textDistance('a', 'b', [1, 0], [0, 1])).toBe(1);
    expect(textDistance('a', 'b', [1, 0], [-1, 0])).toBe(1);
    expect(textDistance('a', 'b', [1, 0], [1, 0])).toBe(0);
    expect(textDistance('a', 'b', [1, 0], [Math.SQRT1_2, Math.SQRT1_2])).toBeCloseTo(1 - Math.SQRT1_2, 12);
  });
});

describe('combine and severityOf', () => {
  const counts = (over: Partial<Parameters<typeof combine>[0]>) => ({
    total: 10,
    added: 0,
    removed: 0,
    type_changed: 0,
    value_changed: 0,
    text: 0,
    text_changed: 0,
    ...over,
  });

  it('is the weighted mean of the structural share and the mean text distance', () => {
    expect(combine(counts({ added: 2, removed: 1, text: 4, text_changed: 2 }), [0.4, 0.2], EVEN, THRESHOLDS)).toEqual({
      structural: 0.3,
      text: 0.15,
      score: 0.225,
      severity: 'low',
    });
    expect(combine(counts({ added: 5 }), [], EVEN, THRESHOLDS)).toEqual({
      structural: 0.5,
      text: null,
      score: 0.5,
      severity: 'medium',
    });
    expect(combine(counts({ text: 1, text_changed: 1 }), [0.9], { structural: 1, text: 0 }, THRESHOLDS).score).toBe(0);
    expect(combine(counts({ total: 0 }), [], EVEN, THRESHOLDS)).toMatchObject({ score: 0, severity: 'none' });
  });

  it('gives each threshold its own severity, inclusive at the boundary', () => {
    expect([0, 0.099999, 0.1, 0.3, 0.599999, 0.6, 1].map((s) => severityOf(s, THRESHOLDS))).toEqual([
      'none',
      'none',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });
});
