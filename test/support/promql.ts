/**
 * Just enough of PromQL to say which metrics and labels an expression names, for checking
 * dashboards and alert rules against what the service exports. Loose (no precedence, no types)
 * but sound where it counts: every selector's metric, every label in a `{...}` matcher, and every
 * label in `by (...)`, `without (...)`, `on (...)`, `ignoring (...)` and `group_left/right (...)`
 * is found; an identifier before `(` must be a PromQL function or aggregation. Syntax errors are
 * left to promtool, which the tests also run.
 */

/** PromQL's functions (Prometheus 2.x), which an identifier followed by `(` must be one of. */
export const PROMQL_FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh',
  'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh',
  'count_over_time', 'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta',
  'deriv', 'exp', 'floor', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join',
  'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time', 'max_over_time',
  'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort',
  'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'tan', 'tanh',
  'time', 'timestamp', 'vector', 'year',
]); // prettier-ignore

export const PROMQL_AGGREGATIONS = new Set([
  'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile',
  'count_values',
]); // prettier-ignore

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const CLAUSES = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Grafana's variables, replaced before parsing (a range like `[$__rate_interval]` is then ordinary). */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '5m')
    .replace(/\$\{?(\w+)\}?/g, '.+');
}

type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'punct'; text: string; at: number }
  | { kind: 'number'; text: string; at: number };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: Token['kind'], text: string) => tokens.push({ kind, text, at: tokens.length } as Token);
  while (i < expr.length) {
    const rest = expr.slice(i);
    let match: RegExpExecArray | null;
    if ((match = /^\s+/.exec(rest))) {
      i += match[0].length;
    } else if (rest.startsWith('#')) {
      const end = expr.indexOf('\n', i);
      i = end === -1 ? expr.length : end;
    } else if ((match = /^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'|^`([^`]*)`/.exec(rest))) {
      push('string', match[1] ?? match[2] ?? match[3]);
      i += match[0].length;
    } else if (rest.startsWith('[')) {
      // A range or subquery ([5m], [1h:1m]): durations only, nothing named.
      const end = expr.indexOf(']', i);
      if (end === -1) {
        throw new Error(`unclosed [ in ${expr}`);
      }
      push('punct', '[]');
      i = end + 1;
    } else if ((match = /^(?:\d+(?:ms|s|m|h|d|w|y))+|^0x[0-9a-f]+|^(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/i.exec(rest))) {
      push('number', match[0]);
      i += match[0].length;
    } else if ((match = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest))) {
      push('ident', match[0]);
      i += match[0].length;
    } else if ((match = /^(?:=~|!~|!=|==|>=|<=|[-+*/%^(){},=<>@])/.exec(rest))) {
      push('punct', match[0]);
      i += match[0].length;
    } else {
      throw new Error(`unexpected ${JSON.stringify(rest.slice(0, 10))} in ${expr}`);
    }
  }
  return tokens;
}

export interface Selector {
  /** The metric, from the name or a `__name__="..."` matcher; undefined for `{job="x"}` alone. */
  metric: string | undefined;
  /** Label names in the matchers (without `__name__`). */
  labels: string[];
  at: number;
}

export interface LabelClause {
  keyword: string;
  labels: string[];
  /** Token range the clause applies to: an aggregation's argument, or the whole expression. */
  from: number;
  to: number;
}

export interface ParsedExpr {
  selectors: Selector[];
  clauses: LabelClause[];
  functions: string[];
  /** Labels an expression makes (label_replace, label_join, count_values), with where they apply. */
  created: string[];
  /** Labels read by name inside function arguments (label_replace and label_join sources). */
  readLabels: { label: string; from: number; to: number }[];
}

/** Index of the `)` that closes the `(` at `open`. */
function closing(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') {
      depth++;
    } else if (tokens[i].text === ')' && --depth === 0) {
      return i;
    }
  }
  throw new Error('unbalanced parentheses');
}

function labelList(tokens: Token[], open: number): { labels: string[]; end: number } {
  if (tokens[open]?.text !== '(') {
    return { labels: [], end: open - 1 };
  }
  const end = closing(tokens, open);
  const labels = tokens
    .slice(open + 1, end)
    .filter((token) => token.kind === 'ident')
    .map((token) => token.text);
  return { labels, end };
}

/** The string arguments of the call whose `(` is at `open`, by position. */
function stringArgs(tokens: Token[], open: number): (string | undefined)[] {
  const end = closing(tokens, open);
  const args: (string | undefined)[] = [];
  let depth = 0;
  let current: string | undefined;
  let onlyString = true;
  for (let i = open + 1; i < end; i++) {
    const token = tokens[i];
    if (token.text === '(') {
      depth++;
    } else if (token.text === ')') {
      depth--;
    }
    if (depth === 0 && token.text === ',') {
      args.push(onlyString ? current : undefined);
      current = undefined;
      onlyString = true;
      continue;
    }
    if (token.kind === 'string' && depth === 0 && current === undefined) {
      current = token.text;
    } else {
      onlyString = false;
    }
  }
  args.push(onlyString ? current : undefined);
  return args;
}

export function parsePromql(source: string): ParsedExpr {
  const tokens = tokenize(expandGrafanaVariables(source));
  const parsed: ParsedExpr = { selectors: [], clauses: [], functions: [], created: [], readLabels: [] };
  let depth = 0;
  for (const token of tokens) {
    depth += token.text === '(' ? 1 : token.text === ')' ? -1 : 0;
    if (depth < 0) {
      break;
    }
  }
  if (depth !== 0) {
    throw new Error(`unbalanced parentheses in ${source}`);
  }
  const matchers = (open: number): { labels: string[]; name?: string; end: number } => {
    const labels: string[] = [];
    let name: string | undefined;
    let i = open + 1;
    while (tokens[i] && tokens[i].text !== '}') {
      const label = tokens[i];
      const op = tokens[i + 1];
      const value = tokens[i + 2];
      if (label.kind !== 'ident' || !['=', '!=', '=~', '!~'].includes(op?.text) || value?.kind !== 'string') {
        throw new Error(`bad label matcher at ${JSON.stringify(label.text)} in ${source}`);
      }
      if (label.text === '__name__') {
        name = op.text === '=' ? value.text : undefined;
        if (op.text !== '=') {
          throw new Error(`__name__ ${op.text} cannot be checked: name the metric in ${source}`);
        }
      } else {
        labels.push(label.text);
      }
      i += 3;
      if (tokens[i]?.text === ',') {
        i++;
      }
    }
    if (!tokens[i]) {
      throw new Error(`unclosed { in ${source}`);
    }
    return { labels, name, end: i };
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'punct' && token.text === '{') {
      const { labels, name, end } = matchers(i);
      parsed.selectors.push({ metric: name, labels, at: i });
      i = end;
      continue;
    }
    if (token.kind !== 'ident') {
      continue;
    }
    const word = token.text;
    const next = tokens[i + 1];
    if (CLAUSES.has(word)) {
      const { labels, end } = labelList(tokens, i + 1);
      if ((word === 'by' || word === 'without') && labels.length === 0 && next?.text !== '(') {
        throw new Error(`${word} without a label list in ${source}`);
      }
      parsed.clauses.push({ keyword: word, labels, ...clauseScope(tokens, i, end) });
      i = end;
      continue;
    }
    if (KEYWORDS.has(word.toLowerCase())) {
      continue;
    }
    const isCall = next?.text === '(';
    if (PROMQL_AGGREGATIONS.has(word) && (isCall || (next && CLAUSES.has(next.text)))) {
      parsed.functions.push(word);
      if (word === 'count_values') {
        const open = isCall ? i + 1 : labelList(tokens, i + 2).end + 1;
        const [label] = stringArgs(tokens, open);
        if (label) {
          parsed.created.push(label);
        }
      }
      continue;
    }
    if (isCall) {
      if (!PROMQL_FUNCTIONS.has(word)) {
        throw new Error(`unknown function ${word}() in ${source}`);
      }
      parsed.functions.push(word);
      if (word === 'label_replace' || word === 'label_join') {
        const args = stringArgs(tokens, i + 1);
        const end = closing(tokens, i + 1);
        if (args[1]) {
          parsed.created.push(args[1]);
        }
        const sources = word === 'label_replace' ? [args[3]] : args.slice(3);
        for (const label of sources) {
          if (label) {
            parsed.readLabels.push({ label, from: i, to: end });
          }
        }
      }
      continue;
    }
    // Anything else is a metric name, with or without matchers.
    if (next?.text === '{') {
      const { labels, name, end } = matchers(i + 1);
      if (name !== undefined) {
        throw new Error(`metric named twice (${word}, __name__) in ${source}`);
      }
      parsed.selectors.push({ metric: word, labels, at: i });
      i = end;
    } else {
      parsed.selectors.push({ metric: word, labels: [], at: i });
    }
  }
  return parsed;
}

/**
 * What a clause's labels refer to. `sum by (x) (...)` and `sum (...) by (x)`: the aggregation's
 * argument. `on`, `ignoring`, `group_left`, `group_right`: both sides of a binary operator, taken
 * loosely as the whole expression.
 */
function clauseScope(tokens: Token[], at: number, end: number): { from: number; to: number } {
  const keyword = tokens[at].text;
  if (keyword === 'by' || keyword === 'without') {
    if (tokens[end + 1]?.text === '(' && PROMQL_AGGREGATIONS.has(tokens[at - 1]?.text ?? '')) {
      return { from: end + 1, to: closing(tokens, end + 1) };
    }
    if (tokens[at - 1]?.text === ')') {
      // `sum (...) by (x)`: walk back to the argument's opening parenthesis.
      let depth = 0;
      for (let i = at - 1; i >= 0; i--) {
        if (tokens[i].text === ')') {
          depth++;
        } else if (tokens[i].text === '(' && --depth === 0) {
          return { from: i, to: at - 1 };
        }
      }
    }
    throw new Error(`${keyword} (...) outside an aggregation`);
  }
  return { from: 0, to: tokens.length - 1 };
}

/** Metric → label names, as a scrape shows them (plus what Prometheus adds). */
export type Exported = Map<string, Set<string>>;

/**
 * The metrics and labels of a text exposition. A histogram's samples are its `_bucket`, `_sum` and
 * `_count` series (the bare name has none); a family with no samples yet is known by name only.
 */
export function exportedFromScrape(text: string, targetLabels: readonly string[] = ['job', 'instance']): Exported {
  const exported: Exported = new Map();
  const add = (name: string, labels: Iterable<string> = []) => {
    const set = exported.get(name) ?? new Set(targetLabels);
    for (const label of labels) {
      set.add(label);
    }
    exported.set(name, set);
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type;
      if (kind === 'histogram') {
        add(`${name}_bucket`, ['le']);
        add(`${name}_sum`);
        add(`${name}_count`);
      } else if (kind === 'summary') {
        add(name, ['quantile']);
        add(`${name}_sum`);
        add(`${name}_count`);
      } else {
        add(name);
      }
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') {
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!sample) {
      throw new Error(`not a sample line: ${line}`);
    }
    const labels = [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1]);
    add(sample[1], labels);
  }
  return exported;
}

/**
 * Everything `expr` names that `exported` lacks: unknown metrics, labels a selector matches on
 * that its metric does not carry, and labels of a by/without/on/... clause that no metric in its
 * scope carries (nor any label the expression creates).
 */
export function unexportedNames(expr: string, exported: Exported): string[] {
  const parsed = parsePromql(expr);
  const problems: string[] = [];
  const labelsOf = (from: number, to: number) => {
    const labels = new Set(parsed.created);
    for (const selector of parsed.selectors) {
      if (selector.at >= from && selector.at <= to && selector.metric) {
        for (const label of exported.get(selector.metric) ?? []) {
          labels.add(label);
        }
      }
    }
    return labels;
  };
  for (const selector of parsed.selectors) {
    if (selector.metric === undefined) {
      problems.push(`a selector without a metric name ({${selector.labels.join(', ')}})`);
      continue;
    }
    const labels = exported.get(selector.metric);
    if (!labels) {
      problems.push(`metric ${selector.metric} is not exported`);
      continue;
    }
    for (const label of selector.labels) {
      if (!labels.has(label)) {
        problems.push(`metric ${selector.metric} has no label ${label}`);
      }
    }
  }
  for (const clause of parsed.clauses) {
    const known = labelsOf(clause.from, clause.to);
    for (const label of clause.labels) {
      if (!known.has(label)) {
        problems.push(`${clause.keyword} (${label}): no metric it applies to has label ${label}`);
      }
    }
  }
  for (const read of parsed.readLabels) {
    if (!labelsOf(read.from, read.to).has(read.label)) {
      problems.push(`label ${read.label} is read but no metric it applies to has it`);
    }
  }
  return problems;
}
