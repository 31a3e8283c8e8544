import { CachedReading } from './cached-reading';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CachedReading', () => {
  it('shares one read among concurrent callers and reuses it while fresh', async () => {
    let reads = 0;
    const reading = new CachedReading(async () => {
      reads += 1;
      await sleep(20);
      return reads;
    }, 200);
    expect(await Promise.all([reading.get(), reading.get(), reading.get()])).toEqual([1, 1, 1]);
    expect(await reading.get()).toBe(1);
    await sleep(220);
    expect(await reading.get()).toBe(2);
  });

  it('reads every time with a max age of 0, and takes an offered value as fresh', async () => {
    let reads = 0;
    const always = new CachedReading(async () => ++reads, 0);
    expect([await always.get(), await always.get()]).toEqual([1, 2]);
    const cached = new CachedReading(async () => -1, 10_000);
    cached.offer(7);
    expect(await cached.get()).toBe(7);
  });

  it('yields nothing for a read that fails or takes too long, and tries again on the next call', async () => {
    let fail = true;
    const reading = new CachedReading(async () => {
      if (fail) {
        throw new Error('down');
      }
      return 'ok';
    }, 10_000);
    expect(await reading.get()).toBeUndefined();
    fail = false;
    expect(await reading.get()).toBe('ok');

    const slow = new CachedReading(() => sleep(500).then(() => 'late'), 10_000, 50);
    const started = performance.now();
    expect(await slow.get()).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(400);
  });
});
