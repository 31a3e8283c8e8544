import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import {
  ValidationError,
  fallbackErrorStatuses,
  parseOrThrow,
  registeredErrorStatuses,
  statusForError,
} from '@engram/common';

/**
 * docs/errors.md against the code: the codes each lib registers (error-status.ts), the codes the
 * error filter gives framework errors, the codes AppError subclasses declare, the literal codes
 * of ValidationErrors thrown by hand, and the validation families parseOrThrow produces.
 */

const ROOT = join(__dirname, '..');
const DOC = join(ROOT, 'docs', 'errors.md');
const PROBE = 'catalogue_probe';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'node_modules' ? [] : sourceFiles(path);
    }
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const SOURCES = ['libs', 'apps'].flatMap((dir) => sourceFiles(join(ROOT, dir)));

/** `readonly code = '…'` in AppError subclasses, by file. */
function declaredCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const file of SOURCES) {
    for (const match of readFileSync(file, 'utf8').matchAll(/readonly code = '([a-z0-9_]+)'/g)) {
      codes.set(match[1], relative(ROOT, file));
    }
  }
  return codes;
}

/** Literal codes of ValidationError / PayloadTooLargeError thrown outside the schema path. */
function literalValidationCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of SOURCES) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new (?:ValidationError|PayloadTooLargeError)\(\s*'([a-z0-9_]+)'/g)) {
      codes.add(match[1]);
    }
  }
  return codes;
}

/** The code parseOrThrow gives `input` against `schema`, with the probe field named `<field>`. */
function familyOf(schema: z.ZodType, input: unknown): { pattern: string; status: number } {
  try {
    parseOrThrow(schema, input, PROBE);
  } catch (error) {
    if (error instanceof ValidationError) {
      return { pattern: error.code.replace(PROBE, '<field>'), status: statusForError(error) };
    }
    throw error;
  }
  throw new Error('the probe input was accepted');
}

interface Documented {
  code: string;
  status: number;
  line: number;
}

/** Rows of the doc's tables: `| \`code\` | status | when | what to do |` (padding allowed). */
function documented(): Documented[] {
  const rows: Documented[] = [];
  readFileSync(DOC, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (!/^\|\s*`/.test(text)) {
        return;
      }
      const cells = text.split('|').map((cell) => cell.trim());
      const code = /^`([^`]+)`$/.exec(cells[1])?.[1];
      if (cells.length !== 6 || code === undefined || !/^\d{3}$/.test(cells[2]) || !cells[3] || !cells[4]) {
        throw new Error(`docs/errors.md:${index + 1} is not a "| \`code\` | status | when | what to do |" row`);
      }
      rows.push({ code, status: Number(cells[2]), line: index + 1 });
    });
  return rows;
}

describe('the error catalogue (docs/errors.md)', () => {
  let registered: ReadonlyMap<string, number>;

  beforeAll(async () => {
    // Each lib registers its codes when it is loaded: load every one, as the app does.
    for (const lib of readdirSync(join(ROOT, 'libs'))) {
      await import(`@engram/${lib}`);
    }
    registered = registeredErrorStatuses();
  });

  /** Every exact code the API can answer, with its status. */
  function expected(): Map<string, number> {
    const codes = new Map(registered);
    for (const [code, status] of fallbackErrorStatuses()) {
      codes.set(code, status);
    }
    return codes;
  }

  const families = () => [
    familyOf(z.strictObject({ [PROBE]: z.string() }), { [PROBE]: 1 }),
    familyOf(z.strictObject({ [PROBE]: z.string() }), {}),
  ];

  it('finds the codes in the code (a sanity check of the derivation itself)', () => {
    expect(registered.size).toBeGreaterThan(30);
    expect(registered.get('namespace_not_found')).toBe(404);
    expect(declaredCodes().size).toBeGreaterThan(20);
    expect(families()).toEqual([
      { pattern: 'invalid_<field>', status: 400 },
      { pattern: 'missing_<field>', status: 400 },
    ]);
  });

  it('maps every declared AppError code to a status (an unmapped code would answer 500)', () => {
    const unmapped = [...declaredCodes()].filter(([code]) => !registered.has(code));
    expect(unmapped).toEqual([]);
  });

  it('gives each code one status, whichever path answers it', () => {
    const conflicts = [...fallbackErrorStatuses()].filter(
      ([code, status]) => registered.has(code) && registered.get(code) !== status,
    );
    expect(conflicts).toEqual([]);
  });

  it('documents every code once, with the status the API sends', () => {
    const rows = documented();
    const twice = rows.filter((row, i) => rows.findIndex((other) => other.code === row.code) !== i);
    expect(twice.map((row) => `${row.code} (line ${row.line})`)).toEqual([]);
    const byCode = new Map(rows.map((row) => [row.code, row.status]));
    const wrong = [...expected()]
      .filter(([code, status]) => byCode.get(code) !== status)
      .map(([code, status]) => ({ code, status, documented: byCode.get(code) ?? 'missing' }));
    expect(wrong).toEqual([]);
  });

  it('documents the validation families as patterns, with their status', () => {
    const patterns = documented().filter((row) => row.code.includes('<'));
    expect(
      patterns
        .map(({ code, status }) => ({ pattern: code, status }))
        .sort((a, b) => a.pattern.localeCompare(b.pattern)),
    ).toEqual(families());
  });

  it('covers every literal validation code by a documented code or family', () => {
    const rows = documented();
    const exact = new Set(rows.map((row) => row.code));
    const patterns = rows
      .filter((row) => row.code.includes('<'))
      .map((row) => new RegExp(`^${row.code.replace(/<[a-z]+>/g, '[a-z0-9_]+')}$`));
    const uncovered = [...literalValidationCodes()].filter(
      (code) => !exact.has(code) && !patterns.some((pattern) => pattern.test(code)),
    );
    expect(uncovered).toEqual([]);
  });

  it('lists no code that no longer exists', () => {
    const known = expected();
    const stale = documented()
      .filter((row) => !row.code.includes('<') && !known.has(row.code))
      .map((row) => `${row.code} (line ${row.line})`);
    expect(stale).toEqual([]);
  });

  it('names in openapi.json only codes that exist, each under the status it answers with', () => {
    const document = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };
    const known = expected();
    const familyPatterns = families().map(({ pattern }) => pattern);
    const wrong: string[] = [];
    let named = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) {
            continue;
          }
          for (const [code] of response.description.matchAll(/\b[a-z0-9]+(?:_[a-z0-9<>]+)+/g)) {
            named += 1;
            const inFamily = familyPatterns.some((pattern) =>
              new RegExp(`^${pattern.replace('<field>', '[a-z0-9_]+')}$`).test(code),
            );
            const answers = code.includes('<')
              ? familyPatterns.includes(code)
                ? 400
                : undefined
              : (known.get(code) ?? (inFamily ? 400 : undefined));
            if (answers !== Number(status)) {
              wrong.push(`${method.toUpperCase()} ${path} ${status}: ${code} (answers ${answers ?? 'nothing'})`);
            }
          }
        }
      }
    }
    expect(named).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });
});
