import type { Split } from './corpus-split';

/** One call of the labelled traffic, at a simulated time. */
export interface TrafficCall {
  /** Simulated time, ms since epoch (becomes the audit record's occurredAt). */
  at: number;
  org: string;
  /** Index into the organisation's keys. */
  key: number;
  body: {
    messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
    max_tokens?: number;
    n?: number;
    logprobs?: boolean;
    top_logprobs?: number;
    temperature?: number;
  };
  /** Tokens the simulated model answers with before max_tokens (naturalCompletionTokens: label-blind). */
  naturalTokens: number;
  /** Ground truth: sent as part of a distillation campaign. Never read by the gateway, upstream or detection. */
  campaign: boolean;
}

export type Workload =
  | 'support_pipeline'
  | 'employee_assistant'
  | 'coding_assistant'
  | 'rag_app'
  | 'nightly_benchmark'
  | 'bare_classifier'
  | 'bare_script'
  | 'careful_distiller'
  | 'low_and_slow'
  | 'rephrasing_distiller'
  | 'hydra_account'
  | 'mixed_distiller'
  | 'logprob_harvest'
  | 'cot_multi_sample';

/** An organisation of the scenario and the ground truth about it. */
export interface OrgScenario {
  name: string;
  workload: Workload;
  /** Keys the organisation uses; the ones in `campaignKeys` carry distillation traffic. */
  keys: number;
  campaignKeys: number[];
  /** Simulated start of the campaign (ms), null for benign organisations. */
  campaignStart: number | null;
  /** Blatant campaigns (request flags) have a tighter time-to-detect target. */
  blatant: boolean;
  /** Premium tokens per hour the contract's minimum commitment pays for (one rule for all: see scenario.ts). */
  baselineTokensPerHour: number;
}

export interface Scenario {
  split: Split;
  seed: number;
  start: number;
  end: number;
  orgs: OrgScenario[];
  calls: TrafficCall[];
}
