import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The production build (`npm run build`: what `npm start`, `bin` and the Docker image run)
 * holds the apps, libs, migrations and the SDK's sources (the CLI's data commands use it) and
 * nothing else: no specs, no benches, no test helpers, no SDK code generator.
 * Built here into a directory of its own, so dist/ and the tests that run it are left alone;
 * inside the repository, so the build finds node_modules as dist/ does.
 */
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const SOURCES = ['apps', 'libs', 'migrations', 'packages/sdk/src'];
/** Test-only sources kept beside the code they test. */
const TEST_ONLY = /\.(spec|cases)\.ts$/;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('the production build', () => {
  let out: string;
  let built: string[];

  beforeAll(() => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    out = mkdtempSync(join(root, '.tmp', 'build-'));
    // The script's own -d dist is overridden by the last -d.
    const build = spawnSync('npm', ['run', 'build', '--silent', '--', '-d', out], { cwd: root, encoding: 'utf8' });
    expect(build).toMatchObject({ status: 0, stderr: '' });
    built = files(out);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is what npm start, prestart and bin use', () => {
    expect(pkg.scripts.prestart).toBe('npm run build');
    expect(pkg.scripts.start).toBe(`node ${pkg.bin.engram} serve`);
    expect(pkg.bin.engram.startsWith('dist/')).toBe(true);
    expect(built).toContain(relative('dist', pkg.bin.engram));
  });

  it('contains no spec, bench or test file', () => {
    expect(readdirSync(out).sort()).toEqual([...new Set(SOURCES.map((dir) => dir.split('/')[0]))].sort());
    expect(readdirSync(join(out, 'packages'))).toEqual(['sdk']);
    expect(readdirSync(join(out, 'packages', 'sdk'))).toEqual(['src']);
    expect(built.filter((file) => /\.(spec|cases)\.js(\.map)?$/.test(file))).toEqual([]);
    expect(built.filter((file) => /(^|\/)(bench|test|support)\//.test(file))).toEqual([]);
  });

  it('compiles every other source file', () => {
    const sources = SOURCES.flatMap((dir) => files(join(root, dir)).map((file) => join(dir, file)))
      .filter((file) => file.endsWith('.ts') && !TEST_ONLY.test(file))
      .map((file) => file.replace(/\.ts$/, '.js'));
    expect(sources.filter((file) => !built.includes(file))).toEqual([]);
  });

  it('needs nothing the build leaves out: every relative require resolves inside it', () => {
    const unresolved: string[] = [];
    for (const file of built.filter((name) => name.endsWith('.js'))) {
      const code = readFileSync(join(out, file), 'utf8');
      for (const [, target] of code.matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
        const base = join(out, dirname(file), target);
        if (![`${base}.js`, join(base, 'index.js'), base].some((path) => existsSync(path))) {
          unresolved.push(`${file} → ${target}`);
        }
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('runs: the engram command loads every module and lists its commands', () => {
    const run = spawnSync(process.execPath, [join(out, relative('dist', pkg.bin.engram)), '--help'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/serve[\s\S]*migrate/);
  });
});
