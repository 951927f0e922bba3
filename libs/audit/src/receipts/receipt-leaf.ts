import { leafHash, type Hash } from '../merkle/merkle';
import type { PremiumCallEntry } from '../producer/audit-entry';
import { entryOfAuditStreamRecord } from '../producer/audit-entry.factory';
import { leafOf, merkleEntryOf } from '../writer/audit-leaf';

/** A premium call's entry with its charge (verifiable billing: docs/audit.md, receipts). */
export type BilledPremiumCallEntry = PremiumCallEntry & { costMicros: string; currency: string };

/**
 * The RFC 6962 leaf hash of an audit entry's JSON (a stored or exported leaf's entry).
 */
export const leafHashOfAuditJson = (auditJson: string): Hash =>
  leafHash(merkleEntryOf(leafOf(JSON.parse(auditJson) as PremiumCallEntry)));

/**
 * The leaf hash the audit worker will append for a premium call's event as it travels on the
 * gateway's audit stream (field `v`): derived by the worker's own entryOfAuditStreamRecord, then
 * the same leafOf/merkleEntryOf/leafHash, so a receipt names exactly the leaf that is appended
 * (the entry's derived fields are deterministic; only `enqueuedAt`, not in the leaf, differs).
 */
export const leafHashOfAuditEvent = (eventJson: string): Hash =>
  leafHash(merkleEntryOf(leafOf(entryOfAuditStreamRecord(['v', eventJson]))));
