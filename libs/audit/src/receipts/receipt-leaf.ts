import { leafHash, type Hash } from '../merkle/merkle';
import { entryOfAuditStreamRecord } from '../producer/audit-entry.factory';
import { leafOf, merkleEntryOf } from '../writer/audit-leaf';

/**
 * The leaf hash the audit worker will append for a premium call's event as it travels on the
 * gateway's audit stream (field `v`): derived by the worker's own entryOfAuditStreamRecord, then
 * the same leafOf/merkleEntryOf/leafHash, so a receipt names exactly the leaf that is appended
 * (the entry's derived fields are deterministic; only `enqueuedAt`, not in the leaf, differs).
 */
export const leafHashOfAuditEvent = (eventJson: string): Hash =>
  leafHash(merkleEntryOf(leafOf(entryOfAuditStreamRecord(['v', eventJson]))));
