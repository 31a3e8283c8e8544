import { LocalHashEmbeddingProvider, MiniLmEmbeddingProvider, defaultMiniLmDir } from '@engram/embeddings';
import { formatBlock, printMachine } from '../lib/machine';
import { numberOption, readOptions } from '../lib/options';

/**
 * Throughput of the in-process sentence model (minilm-l6-v2) on this machine: texts of ~50
 * words, embedded 16 per call (as jobs do) and one per call (as a search query is), for each
 * onnxruntime thread count asked for. CPU time counts every thread of the process, so
 * "texts / CPU-s" is comparable across machines and thread counts; wall time is what a caller
 * waits. See bench/README.md ("embeddings").
 */
const raw = readOptions('bench:embeddings', {
  texts: { env: 'BENCH_TEXTS', default: '200', description: 'texts per measurement' },
  words: { env: 'BENCH_WORDS', default: '50', description: 'words per text' },
  threads: { env: 'BENCH_THREADS', default: '1,2', description: 'onnxruntime thread counts to compare' },
  dir: { env: 'EMBEDDING_MINILM_DIR', default: defaultMiniLmDir(), description: 'the built model' },
});
const COUNT = numberOption('texts', raw.texts);
const WORDS = numberOption('words', raw.words);
const THREADS = raw.threads
  .split(',')
  .filter((value) => value.trim() !== '')
  .map((value) => numberOption('threads', value.trim()));

const VOCABULARY = (
  'the user prefers short answers and asks about deployment schedules database migrations weekly reports ' +
  'travel plans for the conference in Lisbon budget reviews with the finance team a bug in the login page ' +
  'that appears after password resets dark mode settings meeting notes from Tuesday customer feedback on ' +
  'pricing the new onboarding flow memory limits of the worker nodes and a reminder to renew certificates'
).split(' ');

/** Deterministic pseudo-random sentences, so runs embed the same texts. */
function texts(count: number, words: number): string[] {
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed;
  };
  return Array.from(
    { length: count },
    (_, i) => `Note ${i}: ${Array.from({ length: words }, () => VOCABULARY[next() % VOCABULARY.length]).join(' ')}.`,
  );
}

interface Measurement {
  seconds: number;
  cpuSeconds: number;
}

async function measure(run: () => Promise<void>): Promise<Measurement> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function row(label: string, count: number, m: Measurement): string {
  return [
    label.padEnd(26),
    `${(count / m.seconds).toFixed(1).padStart(8)} texts/s`,
    `${(count / m.cpuSeconds).toFixed(1).padStart(8)} texts/CPU-s`,
    `${((m.seconds / count) * 1000).toFixed(1).padStart(8)} ms/text`,
  ].join('  ');
}

async function main(): Promise<void> {
  printMachine();
  const corpus = texts(COUNT, WORDS);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(formatBlock('\nInput', { texts: COUNT, 'words per text': WORDS, model: raw.dir }));
  const lines: string[] = [];

  const hash = new LocalHashEmbeddingProvider();
  const hashed = await measure(async () => {
    await hash.embed(corpus);
  });
  lines.push(row('local-hash-384', COUNT, hashed));

  for (const threads of THREADS) {
    const rssBefore = process.memoryUsage().rss;
    const provider = new MiniLmEmbeddingProvider({ dir: raw.dir, threads });
    const loadStarted = performance.now();
    const loadMs = await provider.load();
    const bootMs = performance.now() - loadStarted;
    // Warm-up: onnxruntime plans its first shapes lazily.
    await provider.embed(corpus.slice(0, 16));
    const batched = await measure(async () => {
      await provider.embed(corpus);
    });
    const single = await measure(async () => {
      for (const text of corpus) {
        await provider.embed([text]);
      }
    });
    const rssAfter = process.memoryUsage().rss;
    await provider.close();
    lines.push(row(`minilm, ${threads} thread(s), batch 16`, COUNT, batched));
    lines.push(row(`minilm, ${threads} thread(s), batch 1`, COUNT, single));
    lines.push(
      `  load ${Math.round(loadMs)} ms in the worker, ${Math.round(bootMs)} ms from start; ` +
        `process RSS +${mib(rssAfter - rssBefore)} (${mib(rssAfter)} total)`,
    );
  }
  console.log(`\n${lines.join('\n')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
