import { randomUUID } from 'node:crypto';
import { sha256Hex, type AdminAction } from '@velvet/common';
import { lshBands, minhashOfTokens, tokenize } from '../fingerprint/minhash';
import { wordBands, wordSignatureOfTokens } from '../fingerprint/word-fingerprint';
import { promptSignals } from '../fingerprint/prompt-signals';
import type { PremiumCallEvent } from '../premium-call.event';
import { eventSha256Of } from '../receipts/receipt-leaf';
import type { AdminActionEntry, AuditFlag, PremiumCallEntry } from './audit-entry';

/** Flags reviewers search by: the request shapes that papers tie to distillation. */
export function flagsOf(event: PremiumCallEvent): AuditFlag[] {
  const flags: AuditFlag[] = [];
  const p = event.params;
  if (p.logprobs || (p.topLogprobs ?? 0) > 0) flags.push('logprobs');
  if ((p.n ?? 1) > 1) flags.push('multi_sample');
  if (event.finishReason === 'length') flags.push('max_length');
  if ((p.toolsCount ?? 0) > 0) flags.push('tools');
  if (event.status === 'failed') flags.push('failed');
  // chain-of-thought elicitation and the application's shape, for detection (the prompt text itself is not always retained)
  flags.push(...(promptSignals(event.promptText) as AuditFlag[]));
  return flags;
}

export function premiumCallEntry(
  event: PremiumCallEvent,
  now = new Date(),
  eventSha256?: string,
): PremiumCallEntry {
  const promptMinhash = minhashOfTokens(tokenize(event.promptText));
  // the completion's tokens serve both of its fingerprints
  const completionTokens = tokenize(event.completionText);
  const completionMinhash = minhashOfTokens(completionTokens);
  return {
    kind: 'premium_call',
    eventId: event.requestId,
    organizationId: event.organizationId,
    apiKeyId: event.apiKeyId,
    userId: event.userId,
    modelId: event.modelId,
    modelSlug: event.modelSlug,
    tier: event.tier,
    occurredAt: event.occurredAt.toISOString(),
    clientIp: event.clientIp,
    userAgent: event.userAgent ? event.userAgent.slice(0, 512) : null,
    params: event.params,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    latencyMs: Math.round(event.latencyMs),
    status: event.status,
    finishReason: event.finishReason ?? null,
    flags: flagsOf(event),
    promptSha256: event.promptSha256 ?? sha256Hex(event.promptText),
    completionSha256: sha256Hex(event.completionText),
    promptMinhash,
    completionMinhash,
    promptBands: lshBands(promptMinhash),
    // minhash-v1 bands (near-verbatim copies), then words-v1 bands (lightly edited copies): provenance searches both.
    completionBands: [
      ...lshBands(completionMinhash),
      ...wordBands(wordSignatureOfTokens(completionTokens)),
    ],
    promptText: event.promptText,
    completionText: event.completionText,
    ...(event.costMicros !== undefined && event.currency
      ? { costMicros: event.costMicros, currency: event.currency }
      : {}),
    ...(eventSha256 ? { eventSha256 } : {}),
    enqueuedAt: now.toISOString(),
  };
}

/**
 * A premium call's event as the gateway appends it to its audit stream (field `v`): the entry's
 * derived fields (MinHash signatures and bands, flags, hashes: most of an entry's CPU) are
 * computed by the audit worker's intake (`entryOfAuditStreamRecord`), off the gateway's request
 * path. The event holds everything the entry is derived from, so nothing is lost by deferring.
 */
export const encodePremiumCallEvent = (event: PremiumCallEvent): string => JSON.stringify(event);

/**
 * The audit entry of one gateway audit stream record: an event (`v`, derived now, with the SHA-256
 * of its exact JSON that the gateway's receipt signed) or a ready entry (`e`, older gateways).
 */
export function entryOfAuditStreamRecord(
  fields: readonly string[],
  now = new Date(),
): PremiumCallEntry {
  const i = fields.indexOf('v');
  if (i >= 0 && i % 2 === 0) {
    const json = fields[i + 1];
    const event = JSON.parse(json) as PremiumCallEvent & { occurredAt: string };
    return premiumCallEntry(
      { ...event, occurredAt: new Date(event.occurredAt) },
      now,
      eventSha256Of(json).toString('hex'),
    );
  }
  return JSON.parse(fields[fields.indexOf('e') + 1]) as PremiumCallEntry;
}

export function adminActionEntry(action: AdminAction, now = new Date()): AdminActionEntry {
  return {
    kind: 'admin_action',
    eventId: `admin:${randomUUID()}`,
    organizationId: action.organizationId,
    actorUserId: action.actorUserId,
    action: action.action,
    subjectType: action.subjectType,
    subjectId: action.subjectId,
    reason: action.reason ?? null,
    details: action.details ?? null,
    occurredAt: (action.occurredAt ?? now).toISOString(),
    enqueuedAt: now.toISOString(),
  };
}
