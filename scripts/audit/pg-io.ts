/**
 * Where PostgreSQL's time under the writer's lock goes, per record: blocks each index and table of
 * the scratch database read from outside shared_buffers (a miss: an OS read, often a dirty page
 * evicted to make room) against blocks found in them, and the WAL written with its full-page
 * images (the first change to a page after a checkpoint logs the whole 8 kB page). The per-index
 * figures are the scratch database's own; WAL and checkpoints are the whole server's (anything
 * else writing to it at the same time counts too: an upper bound).
 */
type Db = { query: (q: string, p?: unknown[]) => Promise<{ rows: Array<Record<string, string>> }> };

export interface PgIo {
  relations: Map<string, { read: number; hit: number }>;
  walRecords: number;
  walFpi: number;
  walBytes: number;
  checkpoints: number;
  buffersBackend: number;
}

export async function pgIo(db: Db): Promise<PgIo> {
  const relations = new Map<string, { read: number; hit: number }>();
  const io = await db.query(
    `SELECT indexrelname AS name, idx_blks_read AS read, idx_blks_hit AS hit FROM pg_statio_user_indexes
     UNION ALL
     SELECT relname || ' (heap)', coalesce(heap_blks_read, 0), coalesce(heap_blks_hit, 0) FROM pg_statio_user_tables`,
  );
  for (const r of io.rows) relations.set(r.name, { read: Number(r.read), hit: Number(r.hit) });
  const [wal] = (await db.query(`SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal`)).rows;
  const [bg] = (
    await db.query(
      `SELECT checkpoints_timed + checkpoints_req AS checkpoints, buffers_backend FROM pg_stat_bgwriter`,
    )
  ).rows;
  return {
    relations,
    walRecords: Number(wal.wal_records),
    walFpi: Number(wal.wal_fpi),
    walBytes: Number(wal.wal_bytes),
    checkpoints: Number(bg.checkpoints),
    buffersBackend: Number(bg.buffers_backend),
  };
}

const per = (n: number, records: number) => Number((n / records).toFixed(2));

/** The change from `a` to `b` per record: the relations touching at least a block per 100 records, biggest reader first. */
export function pgIoPerRecord(a: PgIo, b: PgIo, records: number) {
  const relations = [...b.relations]
    .map(([name, v]) => {
      const before = a.relations.get(name) ?? { read: 0, hit: 0 };
      return { name, read: v.read - before.read, hit: v.hit - before.hit };
    })
    .filter((r) => (r.read + r.hit) / records >= 0.01)
    .sort((x, y) => y.read - x.read || y.hit - x.hit)
    .map((r) => [r.name, `read ${per(r.read, records)}, hit ${per(r.hit, records)}`]);
  return {
    blocksPerRecord: Object.fromEntries(relations),
    serverWal: {
      bytesPerRecord: Math.round((b.walBytes - a.walBytes) / records),
      fullPageImagesPerRecord: per(b.walFpi - a.walFpi, records),
      walRecordsPerRecord: per(b.walRecords - a.walRecords, records),
      checkpoints: b.checkpoints - a.checkpoints,
      backendWritesPerRecord: per(b.buffersBackend - a.buffersBackend, records),
    },
  };
}
