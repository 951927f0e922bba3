import { canonicalJson } from '../merkle/canonical-json';
import { Batcher } from './batcher';
import { appendResiliently, isTransient } from './resilient-append';
import type { AuditEntry } from '../producer/audit-entry';

describe('Batcher', () => {
  it('groups items into batches no larger than the limit and settles each caller', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((i) => i * 2);
      },
      4,
      5,
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.add(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, b) => a + b)).toBe(10);
  });

  it('writes items handed over together as one batch', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>(
      async (items) => {
        sizes.push(items.length);
        return items;
      },
      100,
      1,
    );
    const first = batcher.addAll(Array.from({ length: 60 }, (_, i) => i));
    await new Promise((r) => setTimeout(r, 5)); // past the timer: the 60 are written alone
    const second = batcher.addAll(Array.from({ length: 70 }, (_, i) => i));
    await Promise.all([...first, ...second]);
    expect(sizes).toEqual([60, 70]);
  });

  it('rejects every caller of a failed batch', async () => {
    const batcher = new Batcher<number, number>(
      async () => {
        throw new Error('boom');
      },
      10,
      1,
    );
    await expect(Promise.all([batcher.add(1), batcher.add(2)])).rejects.toThrow('boom');
  });
});

describe('appendResiliently', () => {
  const entries = [{ eventId: 'a' }, { eventId: 'bad' }, { eventId: 'c' }] as AuditEntry[];

  it('waits out transient errors, then writes the batch', async () => {
    let calls = 0;
    const out = await appendResiliently(
      async (batch) => {
        if (++calls < 3)
          throw Object.assign(new Error('terminating connection'), { code: '57P01' });
        return batch.map(() => 'appended' as const);
      },
      entries,
      { maxWaitMs: 10_000 },
    );
    expect(out).toEqual(['appended', 'appended', 'appended']);
    expect(calls).toBe(3);
  });

  it('splits a batch refused for its data so only the bad entry fails', async () => {
    const out = await appendResiliently(
      async (batch) => {
        if (batch.some((e) => e.eventId === 'bad'))
          throw Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
        return batch.map(() => 'appended' as const);
      },
      entries,
      { maxWaitMs: 1000 },
    );
    expect(out[0]).toBe('appended');
    expect(out[1]).toBeInstanceOf(Error);
    expect(out[2]).toBe('appended');
  });

  it('classifies errors', () => {
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(Object.assign(new Error(), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error(), { code: '23505' }))).toBe(false);
  });

  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'ENOTFOUND',
    '08006',
    '08001',
    '40001',
    '40P01',
    '53300',
    '57P01',
    '57P02',
    '57P03',
  ])('treats %s as transient', (code) => {
    expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(true);
  });

  it.each([
    '23505',
    '23503',
    '22P02',
    '42P01',
    '42501',
    '57014',
    'ERR_INVALID_ARG_TYPE',
    'ECONNREFUSEDX',
  ])("treats %s as the data's or the code's fault", (code) => {
    expect(isTransient(Object.assign(new Error('x'), { code }))).toBe(false);
  });

  it('does not treat an error without a code as transient unless it is a lost connection', () => {
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      false,
    );
    expect(
      isTransient(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    expect(isTransient(undefined)).toBe(false);
    expect(isTransient('boom')).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":null,"z":1}]},"b":1}',
    );
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(TypeError);
  });
});
