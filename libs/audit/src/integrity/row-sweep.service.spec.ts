import type { DataSource } from 'typeorm';
import type { TrustedHeadKeeper } from '../tree-head/trusted-head';
import { AuditRowSweep } from './row-sweep.service';

/** A log of `size` rows whose every row agrees with its leaf; records the chunks asked for. */
function logOf(size: number) {
  const chunks: number[] = [];
  const query = jest.fn(async (sql: string, params?: number[]) => {
    if (sql.includes('audit_tree_state')) return [{ size: String(size) }];
    if (sql.includes('audit_completion_bands') || sql.startsWith('SET LOCAL')) return [];
    chunks.push(params![0]);
    return [];
  });
  const sweep = new AuditRowSweep(
    {
      query,
      transaction: (work: (tx: { query: typeof query }) => Promise<unknown>) => work({ query }),
    } as unknown as DataSource,
    { raiseAlarm: jest.fn() } as unknown as TrustedHeadKeeper,
  );
  return { sweep, chunks };
}

describe('AuditRowSweep pacing', () => {
  afterEach(() => jest.useRealTimers());

  it('spreads a pass over the time it is given, chunk by chunk, and checks every chunk', async () => {
    jest.useFakeTimers();
    const { sweep, chunks } = logOf(30_000);
    let done = false;
    const pass = sweep.sweep({ spreadOverMs: 3_000 }).then((bad) => ((done = true), bad));
    await jest.advanceTimersByTimeAsync(999);
    expect(chunks).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(chunks).toEqual([0, 10_000]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(chunks).toEqual([0, 10_000, 20_000]);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(await pass).toEqual([]);
  });

  it('a stopped pass ends between chunks, without waiting out its pace', async () => {
    jest.useFakeTimers();
    const { sweep, chunks } = logOf(30_000);
    let stop = false;
    let done = false;
    const pass = sweep
      .sweep({ spreadOverMs: 3_000_000, stopped: () => stop })
      .then((bad) => ((done = true), bad));
    await jest.advanceTimersByTimeAsync(10);
    expect(chunks).toEqual([0]);
    stop = true;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(true);
    expect(chunks).toEqual([0]);
    expect(await pass).toEqual([]);
  });

  it('waits while the writer is behind, then keeps its pace shifted by the wait', async () => {
    jest.useFakeTimers();
    const { sweep, chunks } = logOf(30_000);
    let behind = true;
    let done = false;
    const pass = sweep
      .sweep({ spreadOverMs: 3_000, writerBehind: () => behind })
      .then((bad) => ((done = true), bad));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(chunks).toEqual([]);
    behind = false;
    await jest.advanceTimersByTimeAsync(250);
    expect(chunks).toEqual([0]);
    // the pace runs from when it could start: the next chunk a second after the first
    await jest.advanceTimersByTimeAsync(999);
    expect(chunks).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(chunks).toEqual([0, 10_000]);
    await jest.advanceTimersByTimeAsync(1_001);
    expect(chunks).toEqual([0, 10_000, 20_000]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(done).toBe(true);
    expect(await pass).toEqual([]);
  });

  it('waits for the writer no longer than its spread in all, so a pass ends within twice its spread', async () => {
    jest.useFakeTimers();
    const { sweep, chunks } = logOf(30_000);
    let done = false;
    const pass = sweep
      .sweep({ spreadOverMs: 3_000, writerBehind: () => true })
      .then((bad) => ((done = true), bad));
    await jest.advanceTimersByTimeAsync(2_999);
    expect(chunks).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(chunks).toEqual([0]);
    await jest.advanceTimersByTimeAsync(3_001);
    expect(chunks).toEqual([0, 10_000, 20_000]);
    expect(done).toBe(true);
    expect(await pass).toEqual([]);
  });

  it('a flat-out pass (no spread) never waits for the writer', async () => {
    const { sweep, chunks } = logOf(25_000);
    expect(await sweep.sweep({ writerBehind: () => true })).toEqual([]);
    expect(chunks).toEqual([0, 10_000, 20_000]);
  });

  it('without a spread, checks every chunk at once', async () => {
    const { sweep, chunks } = logOf(25_000);
    expect(await sweep.sweep()).toEqual([]);
    expect(chunks).toEqual([0, 10_000, 20_000]);
  });
});
