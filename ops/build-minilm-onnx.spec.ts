import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScript } from './lib/run-script';

const ROOT = join(__dirname, '..');
const SCRIPT = join(__dirname, 'build-minilm-onnx.mjs');
const REFERENCE = join(ROOT, 'libs', 'embeddings', 'src', 'minilm.reference.json');

describe('ops/build-minilm-onnx.mjs (the install step)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'engram-minilm-build-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('builds and checks the model, then leaves an up-to-date one alone', async () => {
    const out = join(scratch, 'model');
    const built = await runScript(SCRIPT, ['--out', out]);
    expect(built.stderr).toContain('fp32: 7 reference sentences match (worst cosine 1.000000)');
    expect(built.stderr).toMatch(/int8: 7 reference sentences match \(worst cosine 0\.99\d+\)/);
    expect(built.code).toBe(0);
    for (const file of ['model.onnx', 'model.int8.onnx', 'tokenizer.json', 'build.json']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    const again = await runScript(SCRIPT, ['--out', out]);
    expect([again.code, again.stderr.trim()]).toEqual([0, `build-minilm-onnx: up to date in ${out}`]);
  });

  it('fails the install, leaving nothing behind, when the vectors do not match the reference', async () => {
    const reference = JSON.parse(readFileSync(REFERENCE, 'utf8'));
    reference.texts[2].vector = reference.texts[2].vector.map((value: number) => -value);
    const tampered = join(scratch, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(reference));
    const out = join(scratch, 'wrong');
    const run = await runScript(SCRIPT, ['--out', out, '--reference', tampered]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /ERROR: fp32: "Stock markets fell sharply today…" embeds at cosine -1\.0+ to its reference/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('runs from npm install, and the image copies what it reads before installing', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.postinstall).toBe('node ops/build-minilm-onnx.mjs');
    const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');
    const install = lines.findIndex((line) => line.startsWith('RUN npm install'));
    const copied = lines.slice(0, install).filter((line) => line.startsWith('COPY '));
    for (const input of [
      'ops/build-minilm-onnx.mjs',
      'libs/embeddings/src/minilm-session.js',
      'libs/embeddings/src/minilm.reference.json',
    ]) {
      const [dir, file] = [input.slice(0, input.lastIndexOf('/')), input.slice(input.lastIndexOf('/') + 1)];
      expect(copied.some((line) => line.includes(input) || (line.includes(file) && line.includes(`${dir}/`)))).toBe(
        true,
      );
    }
  });
});
