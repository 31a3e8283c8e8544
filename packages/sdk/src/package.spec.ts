import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The package as it would be published: `npm run build` in packages/sdk (tsc, ESM with
 * declarations, DOM and ES2023 libraries and no Node types, so nothing Node-only creeps in),
 * installed under its name beside a consumer that imports it through `exports`, type-checks
 * against its declarations, and calls a server with nothing but the platform's fetch.
 */
const root = join(__dirname, '../../..');
const sdkDir = join(root, 'packages/sdk');
const pkg = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

describe('the published SDK package', () => {
  let dir: string;
  let installed: string;

  beforeAll(() => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(root, '.tmp', 'sdk-package-'));
    installed = join(dir, 'node_modules', ...pkg.name.split('/'));
    mkdirSync(installed, { recursive: true });
    const build = spawnSync(
      process.execPath,
      [tsc, '-p', join(sdkDir, 'tsconfig.build.json'), '--outDir', join(installed, 'dist')],
      { encoding: 'utf8' },
    );
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
    cpSync(join(sdkDir, 'package.json'), join(installed, 'package.json'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is an ESM package for Node 20+, named outside the internal @engram/* aliases, with no dependencies', () => {
    expect(pkg).toMatchObject({
      name: '@engram-memory/sdk',
      version: '0.1.0',
      type: 'module',
      engines: { node: '>=20' },
    });
    expect(pkg.name.startsWith('@engram/')).toBe(false);
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.files).toContain('dist');
  });

  it('builds declarations and JavaScript for every source file, and no spec', () => {
    const built = readdirSync(join(installed, 'dist')).sort();
    expect(built).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'client.js', 'openapi.d.ts']));
    expect(built.filter((file) => file.includes('.spec.'))).toEqual([]);
  });

  it('imports by its name in an ES module, and talks to a server with the platform fetch', async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(
        request.url === '/health'
          ? JSON.stringify({ status: 'ok' })
          : JSON.stringify({ error: { code: 'pin_not_found', message: 'no pin' }, request_id: 'r1' }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      writeFileSync(
        join(dir, 'consumer.mjs'),
        `import { EngramClient, NotFoundError } from '${pkg.name}';
const client = new EngramClient({ baseUrl: process.argv[2] });
const health = await client.health();
const error = await client.pins.get('missing').catch((e) => e);
console.log(JSON.stringify({ health, notFound: error instanceof NotFoundError, code: error.code }));
`,
      );
      // Asynchronous: the fake server answers from this process.
      const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(dir, 'consumer.mjs'), baseUrl], { cwd: dir });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual({ health: { status: 'ok' }, notFound: true, code: 'pin_not_found' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("type-checks a consumer against the package's declarations (NodeNext resolution)", () => {
    writeFileSync(
      join(dir, 'consumer.mts'),
      `import { EngramClient, EngramError, type Memory, type AssembledContext } from '${pkg.name}';
const client = new EngramClient({ apiKey: 'eng_x', timeoutMs: 1000, retry: { retries: 1 } });
export async function step(): Promise<string> {
  const memory: Memory = await client.memories.get('id');
  const context: AssembledContext = await client.context(memory.content, { namespace: memory.namespace, token_budget: 500 });
  try {
    await client.pins.set('k', { nested: [1, 'two', null] }, { ttl_seconds: 60 });
  } catch (error) {
    if (error instanceof EngramError) {
      return error.code;
    }
  }
  return context.text;
}
`,
    );
    writeFileSync(
      join(dir, 'bad.mts'),
      `import { EngramClient } from '${pkg.name}';
await new EngramClient().remember('notes', 'x', { importance: 'high' });
`,
    );
    const check = (file: string) => {
      const config = join(dir, `tsconfig.${file}.json`);
      const compilerOptions = {
        noEmit: true,
        strict: true,
        module: 'nodenext',
        target: 'es2022',
        lib: ['es2023', 'dom'],
        types: [],
      };
      writeFileSync(config, JSON.stringify({ compilerOptions, files: [file] }));
      return spawnSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8' });
    };
    const good = check('consumer.mts');
    expect(good.stdout).toBe('');
    expect(good.status).toBe(0);
    const bad = check('bad.mts');
    expect(bad.stdout).toMatch(/bad\.mts\(2,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(bad.status).not.toBe(0);
  });
});
