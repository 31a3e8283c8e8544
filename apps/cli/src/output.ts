/**
 * What the data commands print: aligned plain-text columns for people, JSON for scripts
 * (`--json`: exactly the API's objects, one document per command).
 */
export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longer cells are cut with an ellipsis. */
  max?: number;
}

/** One line per cell: newlines and tabs become spaces; null and undefined print as `-`. */
export function cell(value: unknown, max = 80): string {
  let text: string;
  if (value === null || value === undefined) {
    text = '-';
  } else if (typeof value === 'string') {
    text = value;
  } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    text = value.length ? value.join(',') : '-';
  } else if (typeof value === 'object') {
    text = JSON.stringify(value);
  } else {
    text = String(value);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function table<T>(rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => cell(column.value(row), column.max)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => line[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

/** `key: value` lines for one object, keys aligned. */
export function details(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  return fields.map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cell(value, 10_000)}`).join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
