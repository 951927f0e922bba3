import { createHash } from 'node:crypto';
import type { CallFeature, SubjectContext, SubjectWindow } from '../features/call-feature';
import { promptSignals } from '@velvet/audit';
import { minhashSignature } from '@velvet/audit';

/** The audit pipeline's real fingerprint, so fixtures see the similarities production sees. */
export const fixtureMinhash = (text: string): number[] => minhashSignature(text);

let seq = 0;
export function call(
  over: Partial<CallFeature> & { prompt?: string; at?: number } = {},
): CallFeature {
  const prompt = over.prompt ?? `question ${seq}`;
  seq++;
  return {
    requestId: `req-${seq}`,
    organizationId: 'org-1',
    apiKeyId: 'key-1',
    occurredAt: new Date(over.at ?? Date.UTC(2026, 0, 5, 10) + seq * 1000),
    n: 1,
    maxTokens: null,
    logprobs: false,
    topLogprobs: null,
    inputTokens: 100,
    outputTokens: 80,
    finishReason: 'stop',
    promptSha256: createHash('sha256').update(prompt).digest('hex'),
    promptMinhash: fixtureMinhash(prompt),
    promptFlags: promptSignals(prompt),
    defaultParams: true,
    ...over,
  };
}

export const START = Date.UTC(2026, 0, 5, 10);

export function orgWindow(calls: CallFeature[], minutes = 20, subjectId = 'org-1'): SubjectWindow {
  return {
    subjectType: 'organization',
    subjectId,
    organizationId: 'org-1',
    apiKeyId: null,
    windowStart: new Date(START),
    windowEnd: new Date(START + minutes * 60_000),
    calls: [...calls].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()),
  };
}

export const context = (over: Partial<SubjectContext> = {}): SubjectContext => ({
  contractBaselineTokensPerHour: null,
  historyTokensPerHour: null,
  historyHours: 0,
  activeHoursLast24h: 8,
  ...over,
});

/** Deterministic pseudo-random numbers for fixtures. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

const TOPICS = [
  'photosynthesis',
  'tax law',
  'sorting algorithms',
  'roman history',
  'quantum tunnelling',
  'jazz harmony',
  'protein folding',
  'supply chains',
  'volcanoes',
  'game theory',
  'compiler design',
  'medieval poetry',
  'orbital mechanics',
  'microeconomics',
  'immunology',
  'graph coloring',
  'renaissance art',
  'ocean currents',
  'cryptography',
  'linguistics',
];
const VERBS = [
  'Explain',
  'Write an essay about',
  'Create a quiz on',
  'Summarise the key debates in',
  'Give a lesson plan for',
];

/** Self-instruct style: every prompt a different task on a different topic. */
export function diversePrompt(i: number): string {
  return `${VERBS[i % VERBS.length]} ${TOPICS[(i * 7) % TOPICS.length]} for audience ${i} with example ${i * 13} and constraint ${i * 31}`;
}

/** A support bot: one long system prompt and a handful of recurring questions. */
export function supportPrompt(i: number): string {
  const questions = [
    'How do I reset my password?',
    'Where is my invoice?',
    'Can I change my plan?',
    'The app crashes on login',
  ];
  return `You are Acme's friendly support assistant. Answer briefly and politely, link to the help centre when useful, never promise refunds. Customer: ${questions[i % questions.length]}`;
}
