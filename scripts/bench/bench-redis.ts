import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createRedis, layoutOf, shardStreams } from '@velvet/queue';
import IORedis from 'ioredis';
import { cpuSeconds } from './processes';

/**
 * The bench's own Redis: one redis-server (BENCH_REDIS=single, the default) or a local 3-master
 * Redis Cluster (BENCH_REDIS=cluster, scripts/redis-cluster-start.sh), so that command counts and
 * CPU are the run's alone. Counters are summed over the cluster's nodes.
 */
export interface BenchRedis {
  mode: 'single' | 'cluster';
  /** The gateways' Redis variables. */
  env: Record<string, string>;
  commands(): Promise<number>;
  cpuSeconds(): Promise<number>;
  /** Drops the gateways' audit stream(s): without an audit worker they pile up between runs. */
  dropAuditStream(prefix: string): Promise<void>;
  stop(): Promise<void>;
}

const scripts = join(__dirname, '..', '..', '..', 'scripts');
const info = async (node: IORedis, key: string, section: string) =>
  Number(new RegExp(`${key}:(\\d+)`).exec(await node.info(section))![1]);

async function connectWhenUp(port: number): Promise<IORedis> {
  const redis = new IORedis({ port, lazyConnect: true, retryStrategy: () => 100 });
  redis.on('error', () => undefined); // refused until the server listens
  await redis.connect().catch(() => undefined);
  await redis.ping();
  return redis;
}

export async function startBenchRedis(
  mode: string,
  port: () => Promise<number>,
): Promise<BenchRedis> {
  if (mode === 'cluster') return startCluster();
  const p = await port();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const redis = await connectWhenUp(p);
  const pid = await info(redis, 'process_id', 'server');
  return {
    mode: 'single',
    env: { REDIS_URL: `redis://127.0.0.1:${p}` },
    commands: () => info(redis, 'total_commands_processed', 'stats'),
    cpuSeconds: async () => cpuSeconds(pid),
    dropAuditStream: async (prefix) => void (await redis.del(`${prefix}:gw:audit`)),
    stop: async () => {
      redis.disconnect();
      child.kill('SIGTERM');
    },
  };
}

async function startCluster(): Promise<BenchRedis> {
  const out = execFileSync('bash', [join(scripts, 'redis-cluster-start.sh'), '3'], {
    encoding: 'utf8',
  });
  const value = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(out)![1].trim();
  const [dir, nodes] = [value('REDIS_CLUSTER_DIR'), value('REDIS_CLUSTER_NODES')];
  const clients = await Promise.all(
    nodes.split(',').map((n) => connectWhenUp(Number(n.split(':')[1]))),
  );
  const pids = await Promise.all(clients.map((c) => info(c, 'process_id', 'server')));
  const cluster = createRedis({ url: 'redis://127.0.0.1:6379', clusterNodes: nodes, shards: 16 });
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    mode: 'cluster',
    env: { REDIS_CLUSTER_NODES: nodes, REDIS_SHARDS: '16' },
    commands: async () =>
      sum(await Promise.all(clients.map((c) => info(c, 'total_commands_processed', 'stats')))),
    cpuSeconds: async () => sum(pids.map(cpuSeconds)),
    dropAuditStream: async (prefix) => {
      for (const stream of shardStreams(layoutOf(cluster), `${prefix}:gw:audit`))
        await cluster.del(stream);
    },
    stop: async () => {
      cluster.disconnect();
      clients.forEach((c) => c.disconnect());
      execFileSync('bash', [join(scripts, 'redis-cluster-stop.sh'), dir]);
    },
  };
}
