import { type Hash, leafHash } from '../merkle/merkle';
import type { AdminActionEntry, AuditEntry, PremiumCallEntry } from '../producer/audit-entry';
import { leafOf, merkleEntryOf } from './audit-leaf';
import {
  copyBytea,
  type CopyEncoder,
  copyHexBytea,
  copyInt32Array,
  copyJson,
  copyNumberArray,
  copyText,
  copyTextArray,
} from './copy-text';

/**
 * An entry made ready for the log before the tree lock is taken: its leaf hash, and its
 * audit_log row as a COPY line lacking only the sequence number. The worker prepares each job
 * as it arrives, so this CPU work overlaps the database writing the previous batch.
 */
export interface PreparedEntry {
  entry: AuditEntry;
  leafHash: Hash;
  /**
   * The COPY columns after `seq`, tab-separated, as UTF-8: encoded here rather than under the tree
   * lock, and held outside the JavaScript heap while the entry waits for its batch (less for the
   * garbage collector to copy).
   */
  row: Buffer;
}

type EntryField = keyof PremiumCallEntry | keyof AdminActionEntry;
/** A column taken from one field of the entry (NULL where that kind of entry lacks it). */
const field =
  (name: EntryField, encode: CopyEncoder) =>
  (entry: AuditEntry): string =>
    encode((entry as Partial<Record<EntryField, unknown>>)[name]);

/** audit_log as written by COPY, between `seq` and the leaf (recorded_at takes its default: the insert time). */
const COLUMNS: ReadonlyArray<readonly [column: string, value: (entry: AuditEntry) => string]> = [
  ['event_id', field('eventId', copyText)],
  ['kind', field('kind', copyText)],
  ['organization_id', field('organizationId', copyText)],
  ['api_key_id', field('apiKeyId', copyText)],
  ['user_id', field('userId', copyText)],
  ['model_id', field('modelId', copyText)],
  ['model_slug', field('modelSlug', copyText)],
  ['tier', field('tier', copyText)],
  ['occurred_at', field('occurredAt', copyText)],
  ['enqueued_at', field('enqueuedAt', copyText)],
  ['client_ip', field('clientIp', copyText)],
  ['user_agent', field('userAgent', (v) => copyText(typeof v === 'string' ? pgText(v) : v))],
  ['params', field('params', copyJson)],
  ['input_tokens', field('inputTokens', copyText)],
  ['output_tokens', field('outputTokens', copyText)],
  ['latency_ms', field('latencyMs', copyText)],
  ['status', field('status', copyText)],
  ['finish_reason', field('finishReason', copyText)],
  ['flags', field('flags', copyTextArray)],
  ['prompt_sha256', field('promptSha256', copyHexBytea)],
  ['completion_sha256', field('completionSha256', copyHexBytea)],
  // minhash-v1 values are uint32; the columns are int4[] (see toInt32)
  ['prompt_minhash', field('promptMinhash', copyInt32Array)],
  ['completion_minhash', field('completionMinhash', copyInt32Array)],
  ['prompt_bands', field('promptBands', copyNumberArray)],
  ['completion_bands', field('completionBands', copyNumberArray)],
  ['actor_user_id', field('actorUserId', copyText)],
  ['action', field('action', copyText)],
  ['subject_type', field('subjectType', copyText)],
  ['subject_id', field('subjectId', copyText)],
  ['reason', field('reason', copyText)],
  ['details', field('details', copyJson)],
];

export const LOG_COPY_COLUMNS: readonly string[] = [
  'seq',
  ...COLUMNS.map(([column]) => column),
  'leaf',
  'leaf_hash',
];

export function prepareEntry(entry: AuditEntry): PreparedEntry {
  const leaf = leafOf(entry);
  const hash = leafHash(merkleEntryOf(leaf));
  let row = '';
  for (const [, value] of COLUMNS) row += `${value(entry)}\t`;
  return { entry, leafHash: hash, row: Buffer.from(`${row}${copyText(leaf)}\t${copyBytea(hash)}`) };
}

/** PostgreSQL text cannot hold NUL; the hashes were taken over the original text. */
export const pgText = (text: string): string => text.replaceAll('\u0000', '\uFFFD');
