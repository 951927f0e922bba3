import { v7 } from 'uuid';

/**
 * A new call id (the gateway's request id: the metering id, the audit event id and the job id): a
 * UUID v7, time-ordered, so the indexes keyed by it (audit_log's UNIQUE event_id, audit_text's key)
 * are appended to at their right edge instead of at a random leaf of a tree far larger than
 * PostgreSQL's buffers (a page read, a dirty page written back and a full-page image in the WAL per
 * record once the log holds millions of calls). Its first 48 bits are the call's millisecond time,
 * which the response already makes public (`created`, to the second, and the response's own
 * arrival); the rest is a counter within the millisecond started at random and at least 42 random
 * bits, so ids stay unguessable (and a receipt still needs the call's organisation's key). `at` (epoch ms) is for ids of calls made in the past:
 * a synthetic history's rows sort before the calls that come after them, as real history would.
 */
export const newCallId = (at?: number): string => (at === undefined ? v7() : v7({ msecs: at }));
