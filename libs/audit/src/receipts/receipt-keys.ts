import type IORedis from 'ioredis';

/**
 * The receipt keys a deployment's gateways sign with, published without a login at
 * `/audit-log/receipt-keys` next to the checkpoint: each gateway registers its verifier key at
 * start-up (a hash in Redis, the client's key prefix naming the deployment: vkey -> first seen),
 * and the portal lists them. Keys are never removed, so receipts signed before a rotation still verify.
 */
const KEYS = 'audit:receipt-keys';

export async function registerReceiptKey(
  redis: IORedis,
  vkey: string,
  now = new Date(),
): Promise<void> {
  await redis.hsetnx(KEYS, vkey, now.toISOString());
}

/** Oldest first: one `<vkey>` line each, for /audit-log/receipt-keys. */
export async function publishedReceiptKeys(
  redis: IORedis,
): Promise<Array<{ vkey: string; since: string }>> {
  const all = await redis.hgetall(KEYS);
  return Object.entries(all)
    .map(([vkey, since]) => ({ vkey, since }))
    .sort((a, b) => a.since.localeCompare(b.since) || a.vkey.localeCompare(b.vkey));
}
