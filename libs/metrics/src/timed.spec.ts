import { Histogram, Registry } from 'prom-client';
import { AppError } from '@engram/common';
import { outcomeOf, timed } from './timed';

class ThingNotFoundError extends AppError {
  readonly code = 'thing_not_found';
}
class ThingRefusedError extends AppError {
  readonly code = 'thing_refused';
}

function histogram(labelNames: string[]) {
  const registry = new Registry();
  return new Histogram({ name: 'test_seconds', help: 'test', labelNames, buckets: [0.001, 1], registers: [registry] });
}

async function counts(h: Histogram<string>): Promise<Record<string, number>> {
  const { values } = await h.get();
  return Object.fromEntries(
    values.filter((v) => v.metricName === 'test_seconds_count').map((v) => [JSON.stringify(v.labels), v.value]),
  );
}

describe('timed', () => {
  it('observes a call that returns, with the outcome under the status label', async () => {
    const h = histogram(['method', 'status']);
    await expect(timed(h, { method: 'get' }, async () => 42, { statusLabel: 'status' })).resolves.toBe(42);
    expect(await counts(h)).toEqual({ [JSON.stringify({ method: 'get', status: 'ok' })]: 1 });
  });

  it('observes a call that throws, rethrows the same error and classifies it', async () => {
    const h = histogram(['method', 'status']);
    const boom = new Error('boom');
    await expect(timed(h, { method: 'get' }, () => Promise.reject(boom), { statusLabel: 'status' })).rejects.toBe(boom);
    await expect(
      timed(h, { method: 'get' }, () => Promise.reject(new ThingRefusedError('no')), {
        statusLabel: 'status',
        classify: outcomeOf,
      }),
    ).rejects.toBeInstanceOf(ThingRefusedError);
    expect(await counts(h)).toEqual({
      [JSON.stringify({ method: 'get', status: 'error' })]: 1,
      [JSON.stringify({ method: 'get', status: 'rejected' })]: 1,
    });
  });

  it('hands the outcome and duration to settled once, without a status label on the histogram', async () => {
    const h = histogram(['operation']);
    const settled: [string, number][] = [];
    const options = {
      success: 'success',
      classify: outcomeOf,
      settled: (s: string, sec: number) => settled.push([s, sec]),
    };
    await timed(h, { operation: 'get' }, () => new Promise((resolve) => setTimeout(resolve, 20)), options);
    await timed(h, { operation: 'get' }, () => Promise.reject(new ThingNotFoundError('gone')), options).catch(() => {});
    expect(settled.map(([status]) => status)).toEqual(['success', 'not_found']);
    expect(settled[0][1]).toBeGreaterThanOrEqual(0.015);
    expect(await counts(h)).toEqual({ [JSON.stringify({ operation: 'get' })]: 2 });
  });

  it('tells refused requests from faults', () => {
    expect(outcomeOf(new ThingNotFoundError('x'))).toBe('not_found');
    expect(outcomeOf(new ThingRefusedError('x'))).toBe('rejected');
    expect(outcomeOf(new Error('x'))).toBe('error');
    expect(outcomeOf('a string')).toBe('error');
  });
});
