import { leafHash, type Hash } from '../merkle/merkle';
import type { PremiumCallEntry } from '../producer/audit-entry';
import { leafOf, merkleEntryOf } from '../writer/audit-leaf';

/**
 * What a premium call's leaf says it was charged (verifiable billing): the exact micro-unit cost of
 * its usage record and the currency. Extra leaf fields the database stores nowhere else (the leaf
 * CHECK compares only columns); a statement's premium spend is the sum of its leaves' costMicros.
 */
export type BilledPremiumCallEntry = PremiumCallEntry & { costMicros: string; currency: string };

export const billedEntry = (entry: PremiumCallEntry, costMicros: bigint, currency: string): BilledPremiumCallEntry => ({
  ...entry,
  costMicros: costMicros.toString(),
  currency,
});

/**
 * The RFC 6962 leaf hash the audit worker will append for an entry as it travels (the JSON on the
 * gateway's audit stream): the worker parses the same JSON and runs the same leafOf/merkleEntryOf/
 * leafHash (writer/prepared-entry.ts), so the receipt names exactly the leaf that is appended.
 */
export const leafHashOfAuditJson = (auditJson: string): Hash => leafHash(merkleEntryOf(leafOf(JSON.parse(auditJson) as PremiumCallEntry)));
