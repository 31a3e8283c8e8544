import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { newApiKey, newTenant } from '@engram/test-support/fixtures';

/**
 * The Python SDK (sdks/python) passes its pytest suite against this server: round trips with the
 * sync and async clients, pins, namespaces, tenants and keys, the error mapping, and the agent
 * loop example. Debian's Python runs it with Debian's httpx and pydantic (0.23 and 1.10 on
 * bookworm), installed by ops/install-python-sdk-deps; where a Python with pydantic 2 and a local wheel directory exist
 * (this kind of machine has both), the SDK is also pip-installed into a virtualenv with httpx
 * 0.28 and the suite runs again against the installed package.
 *
 * The children run asynchronously: the server answers them from this very process.
 */
const run = promisify(execFile);
const root = join(__dirname, '..');
const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');
const DEBIAN_PYTHON = '/usr/bin/python3';
const WHEELS = process.env.ENGRAM_PYTHON_WHEELS ?? '/opt/pypi/files';
const tmp = join(root, '.tmp', `python-sdk-${process.pid}`);

interface Outcome {
  exitCode: number;
  output: string;
}

async function runPython(python: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(python, args, {
      cwd: root,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
      timeout: 150_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    const exitCode = typeof failed.code === 'number' ? failed.code : -1;
    return { exitCode, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}\n${failed.message}` };
  }
}

/** Fails with the command's whole output, so that a failing pytest run shows why. */
function expectSucceeded(outcome: Outcome): void {
  if (outcome.exitCode !== 0) {
    throw new Error(`exit ${outcome.exitCode}:\n${outcome.output}`);
  }
}

/** The `python3` on PATH, when it is not Debian's and has pydantic 2 (a pyenv build here). */
function pydantic2Python(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import sys, pydantic; print(sys.executable, pydantic.VERSION)'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [executable, version] = (probe.stdout ?? '').trim().split(' ');
  if (probe.status !== 0 || !executable || executable === DEBIAN_PYTHON || !version?.startsWith('2.')) {
    return undefined;
  }
  return existsSync(WHEELS) ? executable : undefined;
}

const secondPython = pydantic2Python();
const itWithPydantic2 = secondPython ? it : it.skip;

describe('the Python SDK against the real server', () => {
  let t: TestApp;
  let baseUrl: string;

  /** A tenant of its own for each run of the suite, with room above the plan's rate limit. */
  async function tenantEnv(): Promise<Record<string, string>> {
    const tenantId = await newTenant(t, { quotas: { requests_per_minute: 100_000 } });
    const key = await newApiKey(t, tenantId, { role: 'machine', name: 'python sdk' });
    return {
      ENGRAM_URL: baseUrl,
      ENGRAM_TOKEN: key.key,
      ENGRAM_TENANT: tenantId,
      ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN,
    };
  }

  function expectPassed(outcome: Outcome): void {
    expectSucceeded(outcome);
    expect(outcome.output).toMatch(/\d+ passed/);
    // The live tests skip themselves without a server: none may have.
    expect(outcome.output).not.toMatch(/skipped/);
  }

  beforeAll(async () => {
    const installed = await run(join(root, 'ops', 'install-python-sdk-deps'), [], {
      cwd: root,
      timeout: 280_000,
    });
    expect(installed.stdout).toMatch(/^httpx \d+\.\d+\S* pydantic \d+\.\d+\S* pytest \d+/);
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    baseUrl = await t.listen();
  }, 300_000);

  afterAll(async () => {
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("passes its tests on Debian's Python and packages (bookworm: httpx 0.23, pydantic 1.10)", async () => {
    const outcome = await runPython(DEBIAN_PYTHON, ['-m', 'pytest', 'sdks/python/tests', '-q'], await tenantEnv());
    expectPassed(outcome);
  }, 180_000);

  itWithPydantic2(
    'installs with pip from the repository and passes its tests with httpx 0.28 and pydantic 2',
    async () => {
      const venv = join(tmp, 'venv');
      const source = join(tmp, 'sdk');
      mkdirSync(tmp, { recursive: true });
      // Built from a copy, so that setuptools' build files stay out of the work tree.
      cpSync(join(root, 'sdks', 'python'), source, {
        recursive: true,
        filter: (path) => !/(__pycache__|\.egg-info|[/\\]build)$/.test(path),
      });
      const created = await runPython(secondPython!, ['-m', 'venv', '--system-site-packages', venv], {});
      expectSucceeded(created);
      const python = join(venv, 'bin', 'python');
      // setuptools before 70.1 builds wheels only with the wheel package beside it.
      const tools = await runPython(
        python,
        ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', WHEELS, 'setuptools>=70.1'],
        {},
      );
      expectSucceeded(tools);
      const pip = await runPython(
        python,
        ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', WHEELS, '--no-build-isolation', source],
        {},
      );
      expectSucceeded(pip);
      const versions = await runPython(
        python,
        ['-c', 'import httpx, pydantic; print(httpx.__version__, pydantic.VERSION)'],
        {},
      );
      expect(versions.output).toMatch(/^0\.\d+\.\d+ 2\.\d+/);

      const outcome = await runPython(python, ['-m', 'pytest', 'sdks/python/tests', '-q'], {
        ...(await tenantEnv()),
        ENGRAM_CLIENT_INSTALLED: '1',
      });
      expectPassed(outcome);
    },
    180_000,
  );
});
