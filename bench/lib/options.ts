import { parseArgs } from 'node:util';

export interface OptionSpec {
  /** Environment variable that sets the default. */
  env: string;
  default: string;
  description: string;
}

/**
 * Reads `--name=value` flags, falling back to an environment variable, then a default; `--help`
 * prints them. Values come back as strings: callers convert with `numberOption`/`list`.
 */
export function readOptions<K extends string>(bench: string, specs: Record<K, OptionSpec>): Record<K, string> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(specs).map((name) => [name, { type: 'string' as const }])),
    },
    strict: true,
  });
  if (values.help) {
    console.log(`${bench} options (flag, env, default):`);
    for (const [name, spec] of Object.entries<OptionSpec>(specs)) {
      console.log(`  --${name}=…  ${spec.env}  (${spec.default})  ${spec.description}`);
    }
    process.exit(0);
  }
  const result = {} as Record<K, string>;
  for (const name of Object.keys(specs) as K[]) {
    result[name] =
      ((values as Record<string, unknown>)[name] as string | undefined) ??
      process.env[specs[name].env] ??
      specs[name].default;
  }
  return result;
}

/** A number ≥ `min` (default: above zero). */
export function numberOption(name: string, raw: string, min?: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || (min === undefined ? value <= 0 : value < min)) {
    throw new Error(`--${name}: expected a number ${min === undefined ? '> 0' : `≥ ${min}`}, got "${raw}"`);
  }
  return value;
}

export function list<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (items.length === 0 || unknown.length > 0) {
    throw new Error(`--${name}: expected a comma-separated subset of ${allowed.join(', ')}, got "${raw}"`);
  }
  return items as T[];
}
