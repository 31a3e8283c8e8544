import { createHash } from 'node:crypto';

/**
 * The drift score, as pure functions: a structural diff of two JSON objects and the text
 * distances of the strings they share, combined with weights into one number in [0, 1].
 * Everything here is deterministic: object keys are walked in code-point order (so key order in
 * the request never matters), and every number is rounded to 6 decimals before it is compared
 * with a threshold or stored.
 */

export const SEVERITIES = ['none', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CHANGE_KINDS = ['added', 'removed', 'type_changed', 'value_changed', 'text_changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface Thresholds {
  low: number;
  medium: number;
  high: number;
}

export interface Weights {
  structural: number;
  text: number;
}

/** One leaf of a flattened output: an empty object or array counts as a leaf of its own. */
interface Leaf {
  type: JsonType;
  value: unknown;
}

export interface DiffEntry {
  path: string;
  change: ChangeKind;
  baseline_type?: JsonType;
  augmented_type?: JsonType;
  /** Non-string scalars only (numbers, booleans, null): strings are judged by meaning, not shown. */
  baseline?: number | boolean | null;
  augmented?: number | boolean | null;
  /** text_changed: 1 − cosine similarity of the two texts. */
  distance?: number;
}

export interface PathCounts {
  total: number;
  added: number;
  removed: number;
  type_changed: number;
  value_changed: number;
  /** Paths holding a string on both sides (the text component's fields). */
  text: number;
  text_changed: number;
}

/** A text field present on both sides with different values, to be embedded. */
export interface TextPair {
  path: string;
  baseline: string;
  augmented: string;
}

export interface StructuralDiff {
  counts: PathCounts;
  /** Every changed path, in path order (text ones without a distance yet). */
  changes: DiffEntry[];
  textPairs: TextPair[];
  /** Deepest nesting of either output (the output itself is depth 1). */
  depth: number;
}

export function jsonType(value: unknown): JsonType {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  const type = typeof value;
  // Parsed JSON holds nothing else: anything that is not a string, number or boolean is an object.
  return type === 'string' || type === 'number' || type === 'boolean' ? type : 'object';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${parent}[${key}]`;
  }
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Code-point order: the same on every machine, whatever its locale. */
export function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How deep `value` nests: a scalar is 0, `{}` is 1, `{a: {}}` is 2. Iterative. */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') {
      continue;
    }
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(current as Record<string, unknown>)) {
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return deepest;
}

/** Leaves by path. Iterative (the caller has already bounded the depth); keys in code-point order. */
function flatten(root: Record<string, unknown>): Map<string, Leaf> {
  const leaves = new Map<string, Leaf>();
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '$' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    const type = jsonType(value);
    if (type === 'array') {
      const items = value as unknown[];
      if (items.length === 0) {
        leaves.set(path, { type, value });
      }
      for (let index = items.length - 1; index >= 0; index--) {
        stack.push({ value: items[index], path: childPath(path, index) });
      }
    } else if (type === 'object') {
      const keys = Object.keys(value as Record<string, unknown>).sort(codePointCompare);
      if (keys.length === 0) {
        leaves.set(path, { type, value });
      }
      for (let index = keys.length - 1; index >= 0; index--) {
        stack.push({ value: (value as Record<string, unknown>)[keys[index]], path: childPath(path, keys[index]) });
      }
    } else {
      leaves.set(path, { type, value });
    }
  }
  return leaves;
}

function scalarPreview(leaf: Leaf): number | boolean | null | undefined {
  return leaf.type === 'number' || leaf.type === 'boolean' || leaf.type === 'null'
    ? (leaf.value as number | boolean | null)
    : undefined;
}

/**
 * Every path of either output, classified: only in baseline (removed), only in augmented
 * (added), a different JSON type (type_changed), a different number, boolean or null
 * (value_changed), a string on both sides (a text field: text_changed when they differ, its
 * distance measured by meaning later), or the same.
 */
export function structuralDiff(baseline: Record<string, unknown>, augmented: Record<string, unknown>): StructuralDiff {
  const before = flatten(baseline);
  const after = flatten(augmented);
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(codePointCompare);
  const counts: PathCounts = {
    total: paths.length,
    added: 0,
    removed: 0,
    type_changed: 0,
    value_changed: 0,
    text: 0,
    text_changed: 0,
  };
  const changes: DiffEntry[] = [];
  const textPairs: TextPair[] = [];
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    if (a === undefined) {
      counts.removed += 1;
      changes.push({ path, change: 'removed', baseline_type: b!.type, ...previews(b, undefined) });
    } else if (b === undefined) {
      counts.added += 1;
      changes.push({ path, change: 'added', augmented_type: a.type, ...previews(undefined, a) });
    } else if (a.type !== b.type) {
      counts.type_changed += 1;
      changes.push({ path, change: 'type_changed', baseline_type: b.type, augmented_type: a.type, ...previews(b, a) });
    } else if (a.type === 'string') {
      counts.text += 1;
      if (a.value !== b.value) {
        counts.text_changed += 1;
        changes.push({ path, change: 'text_changed' });
        textPairs.push({ path, baseline: b.value as string, augmented: a.value as string });
      }
    } else if (a.type !== 'object' && a.type !== 'array' && a.value !== b.value) {
      // An object or array leaf is an empty one, equal to the other side's; only scalars can differ.
      counts.value_changed += 1;
      changes.push({ path, change: 'value_changed', baseline_type: b.type, augmented_type: a.type, ...previews(b, a) });
    }
  }
  return { counts, changes, textPairs, depth: Math.max(nestingDepth(baseline), nestingDepth(augmented)) };
}

function previews(b: Leaf | undefined, a: Leaf | undefined): Pick<DiffEntry, 'baseline' | 'augmented'> {
  const out: Pick<DiffEntry, 'baseline' | 'augmented'> = {};
  const before = b && scalarPreview(b);
  const after = a && scalarPreview(a);
  if (before !== undefined) {
    out.baseline = before;
  }
  if (after !== undefined) {
    out.augmented = after;
  }
  return out;
}

/**
 * 1 − cosine similarity, in [0, 1]. Two different texts of which one is empty (or all blank), or
 * whose embedding is all zeros (the hashing model on text without words), are as far apart as
 * texts get: 1. Summed in index order, so the same vectors always give the same bits.
 */
export function textDistance(baseline: string, augmented: string, vb: number[] | null, va: number[] | null): number {
  if (baseline === augmented) {
    return 0;
  }
  if (baseline.trim() === '' || augmented.trim() === '' || vb === null || va === null) {
    return 1;
  }
  let dot = 0;
  let nb = 0;
  let na = 0;
  for (let i = 0; i < vb.length; i++) {
    dot += vb[i] * va[i];
    nb += vb[i] * vb[i];
    na += va[i] * va[i];
  }
  if (nb === 0 || na === 0) {
    return 1;
  }
  const cosine = dot / (Math.sqrt(nb) * Math.sqrt(na));
  return Math.min(1, Math.max(0, 1 - cosine));
}

export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export function severityOf(score: number, thresholds: Thresholds): Severity {
  if (score >= thresholds.high) {
    return 'high';
  }
  if (score >= thresholds.medium) {
    return 'medium';
  }
  if (score >= thresholds.low) {
    return 'low';
  }
  return 'none';
}

export interface DriftScore {
  score: number;
  severity: Severity;
  structural: number;
  /** null when the outputs share no text field. */
  text: number | null;
}

/**
 * structural = (added + removed + type_changed + value_changed) / total paths (0 for two empty
 * objects); text = mean distance over the text fields (null without any); score = the weighted
 * mean of the components present.
 */
export function combine(
  counts: PathCounts,
  textDistances: number[],
  weights: Weights,
  thresholds: Thresholds,
): DriftScore {
  const changed = counts.added + counts.removed + counts.type_changed + counts.value_changed;
  const structural = round6(counts.total === 0 ? 0 : changed / counts.total);
  let text: number | null = null;
  if (counts.text > 0) {
    let sum = 0;
    for (const distance of textDistances) {
      sum += distance;
    }
    // Unchanged text fields count as distance 0: the mean is over every shared text field.
    text = round6(sum / counts.text);
  }
  const score =
    text === null || weights.text === 0
      ? structural
      : weights.structural === 0
        ? text
        : round6((weights.structural * structural + weights.text * text) / (weights.structural + weights.text));
  return { score, severity: severityOf(score, thresholds), structural, text };
}

/** JSON with object keys in code-point order: equal values give equal text, whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const keys = Object.keys(value as Record<string, unknown>).sort(codePointCompare);
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

export function outputHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
