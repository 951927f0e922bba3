/**
 * What the one-step admission script (ADMIT_FINISH_LUA) costs Redis, apart from the gateway: a
 * private redis-server (append-only, as production) runs the script 20,000 times per round at
 * concurrency 4 with a premium call's arguments (two scopes: the organisation with every limit,
 * the key with requests per minute; a 220-byte usage record, a 1,100-byte audit event), and
 * prints Redis's CPU µs per call (from /proc) and EVALSHA's own µs per call (INFO commandstats).
 * - `phases`: the script cut after each of its steps (done marker, limits, spend, streams), so the
 *   differences say what each step costs;
 * - QUOTA_MICRO_BASE=<other build's dist>: that build's script against this one's, rounds taking
 *   turns (the same key layout: 3 keys, then 5 per scope).
 * `node dist/scripts/bench/quota-script-micro.js [phases]`
 */
import { loadavg } from 'node:os';
import { ADMIT_FINISH_LUA } from '@velvet/metering';
import IORedis from 'ioredis';
import { cpuSeconds } from './processes';
import { startPrivateRedis } from './private-redis';

const CALLS = 20_000;
const ROUNDS = Number(process.env.QUOTA_MICRO_ROUNDS ?? 6);

/** The script cut before `marker`, returning 1 instead: what the steps before it cost. */
const cutBefore = (marker: string) => {
  const at = ADMIT_FINISH_LUA.indexOf(marker);
  if (at < 0) throw new Error(`ADMIT_FINISH_LUA has no "${marker}" any more`);
  return `${ADMIT_FINISH_LUA.slice(0, at)}return 1\n`;
};

async function scriptsToCompare(): Promise<Record<string, string>> {
  if (process.argv[2] === 'phases')
    return {
      'EVALSHA of `return 1`, same arguments': '#!lua\nreturn 1\n',
      'done marker checked': cutBefore('local now = tonumber(ARGV[1])'),
      '+ limits (admit)': cutBefore('local cost = tonumber(ARGV[8])'),
      '+ spend counted': cutBefore('local tp = ARGV['),
      'whole script (+ usage and audit XADD)': ADMIT_FINISH_LUA,
    };
  const base = process.env.QUOTA_MICRO_BASE;
  if (!base) return { 'this build': ADMIT_FINISH_LUA };
  const before = (await import(`${base}/libs/metering/src/limits/quota.scripts.js`)) as {
    ADMIT_FINISH_LUA: string;
  };
  return { base: before.ADMIT_FINISH_LUA, 'this build': ADMIT_FINISH_LUA };
}

async function round(redis: IORedis, sha: string, tag: string): Promise<void> {
  const usage = 'u'.repeat(220);
  const audit = 'a'.repeat(1_100);
  const scopeKeys = (s: string) =>
    ['rq', 'tk', 'sp:202612', 'hz', 'hs'].map((k) => `${tag}:${s}:${k}`);
  const keys = (i: number) => [
    `${tag}:done:${i}`,
    `${tag}:usage`,
    `${tag}:audit`,
    ...scopeKeys('o'),
    ...scopeKeys('k'),
  ];
  // now, month ttl, est tokens, est cost, real tokens, owner, done ttl, cost, usage, audit, then
  // per scope rpm, tpm, cap (-1 = none)
  const argv = () => [
    Date.now(),
    3_456_000,
    100,
    5_000,
    90,
    'owner-0000',
    600,
    4_000,
    usage,
    audit,
    1_000_000,
    1_000_000_000,
    '1000000000000000',
    1_000_000,
    -1,
    -1,
  ];
  for (let i = 0; i < CALLS; i += 4)
    await Promise.all([0, 1, 2, 3].map((j) => redis.evalsha(sha, 13, ...keys(i + j), ...argv())));
  await redis.del(`${tag}:usage`, `${tag}:audit`);
}

async function main(): Promise<void> {
  const scripts = await scriptsToCompare();
  const server = await startPrivateRedis();
  const redis = new IORedis(server.url);
  const shas = Object.fromEntries(
    await Promise.all(
      Object.entries(scripts).map(async ([name, lua]) => [
        name,
        String(await redis.script('LOAD', lua)),
      ]),
    ),
  );
  console.log(
    `quota-script-micro: ${CALLS} calls per round, ${ROUNDS} rounds, load ${loadavg()[0].toFixed(1)}`,
  );
  const figures: Record<string, { cpu: number[]; evalsha: number[] }> = {};
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const [n, name] of Object.keys(scripts).entries()) {
        await redis.config('RESETSTAT');
        const cpu0 = cpuSeconds(server.pid);
        await round(redis, shas[name], `q${r}-${n}`);
        const cpu = ((cpuSeconds(server.pid) - cpu0) * 1e6) / CALLS;
        const stats = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(
          await redis.info('commandstats'),
        )!;
        const f = (figures[name] ??= { cpu: [], evalsha: [] });
        f.cpu.push(cpu);
        f.evalsha.push(Number(stats[2]) / Number(stats[1]));
      }
    }
  } finally {
    await redis.quit();
    await server.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    'script'.padEnd(42),
    'Redis CPU µs/call (median, each round)'.padEnd(48),
    'EVALSHA µs/call (median)',
  );
  for (const [name, f] of Object.entries(figures))
    console.log(
      name.padEnd(42),
      `${median(f.cpu).toFixed(1)} (${f.cpu.map((x) => x.toFixed(0)).join(' ')})`.padEnd(48),
      median(f.evalsha).toFixed(1),
    );
  if (figures.base) {
    const ratios = figures.base.evalsha.map((b, i) => figures['this build'].evalsha[i] / b);
    console.log(
      `EVALSHA this build / base per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}; median ${median(ratios).toFixed(2)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
