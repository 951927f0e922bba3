/**
 * Flags stored on each premium-call record, searchable in the log. Dependency-free, so the web
 * portal imports this same list.
 */
export const AUDIT_FLAGS = [
  'logprobs',
  'multi_sample',
  'max_length',
  'tools',
  'failed',
  'cot_elicitation',
  'single_turn',
  'system_prompt',
  'benchmark_format',
] as const;

export type AuditFlag = (typeof AUDIT_FLAGS)[number];
