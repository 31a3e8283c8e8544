import { InlineJobQueue } from './inline-queue';
import { JobName, defineJob } from './job.types';

const JOB = 'test.inline' as JobName;
defineJob(JOB, { attempts: 3, backoffMs: 5 });

describe('in-process job queue', () => {
  let queue: InlineJobQueue;
  afterEach(async () => {
    await queue.close();
  });

  it('runs jobs off the caller, once per job id', async () => {
    queue = new InlineJobQueue();
    const seen: number[] = [];
    await queue.startProcessing([JOB], async (_name, payload) => {
      seen.push((payload as { n: number }).n);
    });
    await queue.add(JOB, { n: 1 } as never, { jobId: 'same' });
    await queue.add(JOB, { n: 2 } as never, { jobId: 'same' });
    await queue.add(JOB, { n: 3 } as never);
    expect(seen).toEqual([]);
    await queue.drain();
    expect(seen).toEqual([1, 3]);
  });

  it('runs two jobs at once by default, never more, and as many as asked', async () => {
    for (const [concurrency, expected] of [
      [undefined, 2],
      [1, 1],
      [3, 3],
    ] as const) {
      queue = new InlineJobQueue(concurrency);
      let running = 0;
      let most = 0;
      await queue.startProcessing([JOB], async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
      });
      for (let n = 0; n < 6; n++) {
        await queue.add(JOB, { n } as never);
      }
      await queue.drain();
      expect([concurrency, most]).toEqual([concurrency, expected]);
      await queue.close();
    }
  });

  it('retries with backoff up to the defined attempts, then keeps the failure for inspection', async () => {
    queue = new InlineJobQueue();
    const attempts: number[] = [];
    await queue.startProcessing([JOB], async (_name, _payload, context) => {
      attempts.push(context.attempt);
      throw new Error('boom');
    });
    await queue.add(JOB, { n: 1 } as never, { jobId: 'failing' });
    const deadline = Date.now() + 2000;
    while (queue.failed.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(attempts).toEqual([1, 2, 3]);
    expect(queue.failed).toEqual([{ id: 'failing', name: JOB, error: 'boom' }]);
    expect((await queue.counts())[JOB]).toMatchObject({ failed: 1, completed: 0 });
  });

  it('succeeds on a later attempt', async () => {
    queue = new InlineJobQueue();
    let calls = 0;
    await queue.startProcessing([JOB], async () => {
      calls++;
      if (calls < 2) {
        throw new Error('transient');
      }
    });
    await queue.add(JOB, { n: 1 } as never);
    const deadline = Date.now() + 2000;
    while ((await queue.counts())[JOB].completed === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(calls).toBe(2);
    expect(queue.failed).toEqual([]);
  });

  it('refuses work after close', async () => {
    queue = new InlineJobQueue();
    await queue.close();
    await expect(queue.add(JOB, { n: 1 } as never)).rejects.toThrow('queue closed');
    await expect(queue.ping()).rejects.toThrow('queue closed');
  });
});
