import { NearbyMemory, decideFact } from './fact-decision';

const memory = (id: string, content: string, similarity: number, key: string | null = null): NearbyMemory => ({
  id,
  content,
  similarity,
  key,
});

describe('decideFact', () => {
  it('adds a fact with nothing near it', () => {
    expect(decideFact({ content: 'User likes jazz.', key: null }, [])).toEqual({ action: 'add' });
    expect(decideFact({ content: 'User likes jazz.', key: null }, [memory('m1', 'User owns a cat.', 0.4)])).toEqual({
      action: 'add',
    });
  });

  it('stores nothing for the same statement, whatever its case, spacing or final stop', () => {
    expect(decideFact({ content: 'User  likes JAZZ', key: null }, [memory('m1', 'user likes jazz.', 0.2)])).toEqual({
      action: 'none',
      memoryId: 'm1',
      reason: 'duplicate',
    });
    expect(
      decideFact({ content: 'User lives in Oslo.', key: 'user.location' }, [
        memory('m1', 'User lives in Oslo', 0.99, 'user.location'),
      ]),
    ).toEqual({ action: 'none', memoryId: 'm1', reason: 'duplicate' });
  });

  it('stores nothing for a near-identical statement without a slot', () => {
    expect(
      decideFact({ content: 'User really likes jazz.', key: null }, [memory('m1', 'User likes jazz.', 0.96)]),
    ).toEqual({ action: 'none', memoryId: 'm1', reason: 'duplicate' });
  });

  it('supersedes the holder of the same slot, however close the vectors are', () => {
    expect(
      decideFact({ content: 'User lives in Lyon.', key: 'user.location' }, [
        memory('m1', 'User lives in Paris.', 0.97, 'user.location'),
        memory('m2', 'User likes Paris.', 0.99),
      ]),
    ).toEqual({ action: 'supersede', memoryId: 'm1' });
  });

  it('adds a slotted fact whose slot nobody holds, unless a slotless twin exists', () => {
    expect(
      decideFact({ content: 'User lives in Lyon.', key: 'user.location' }, [
        memory('m1', 'User works in Lyon.', 0.9, 'user.employer'),
      ]),
    ).toEqual({ action: 'add' });
    expect(
      decideFact({ content: 'User lives in Lyon, France.', key: 'user.location' }, [
        memory('m1', 'User lives in Lyon France', 0.97),
      ]),
    ).toEqual({ action: 'none', memoryId: 'm1', reason: 'duplicate' });
  });

  it('updates a close memory that the new statement refines', () => {
    expect(
      decideFact({ content: 'User likes jazz, especially bebop.', key: null }, [
        memory('m1', 'User likes jazz.', 0.85),
      ]),
    ).toEqual({ action: 'update', memoryId: 'm1' });
    // Close, but not contained: a different statement.
    expect(decideFact({ content: 'User likes bebop.', key: null }, [memory('m1', 'User likes jazz.', 0.85)])).toEqual({
      action: 'add',
    });
  });

  it('decides the same whatever order the neighbours come in', () => {
    const nearby = [
      memory('b', 'User lives in Rome.', 0.9, 'user.location'),
      memory('a', 'User lives in Milan.', 0.9, 'user.location'),
      memory('c', 'User lives in Turin.', 0.8, 'user.location'),
    ];
    const fact = { content: 'User lives in Naples.', key: 'user.location' };
    const decisions = [nearby, [...nearby].reverse(), [nearby[2], nearby[0], nearby[1]]].map((order) =>
      decideFact(fact, order),
    );
    expect(decisions).toEqual([
      { action: 'supersede', memoryId: 'a' },
      { action: 'supersede', memoryId: 'a' },
      { action: 'supersede', memoryId: 'a' },
    ]);
  });
});
