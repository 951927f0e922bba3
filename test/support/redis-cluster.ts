import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface LocalRedisCluster {
  /** REDIS_CLUSTER_NODES for the apps. */
  nodes: string;
  stop(): void;
}

const scripts = join(__dirname, '..', '..', 'scripts');

/** A 3-master Redis Cluster on free loopback ports (scripts/redis-cluster-start.sh). */
export function startRedisCluster(): LocalRedisCluster {
  const out = execFileSync('bash', [join(scripts, 'redis-cluster-start.sh'), '3'], {
    encoding: 'utf8',
  });
  const value = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(out)![1].trim();
  const dir = value('REDIS_CLUSTER_DIR');
  return {
    nodes: value('REDIS_CLUSTER_NODES'),
    stop: () => execFileSync('bash', [join(scripts, 'redis-cluster-stop.sh'), dir]),
  };
}
