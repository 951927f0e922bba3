/** One call of the labelled synthetic traffic, at a simulated time. */
export interface TrafficCall {
  /** Simulated time, ms since epoch (becomes the audit record's occurredAt). */
  at: number;
  org: string;
  /** Index into the organisation's keys. */
  key: number;
  body: {
    messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
    max_tokens: number;
    n?: number;
    logprobs?: boolean;
    top_logprobs?: number;
    temperature?: number;
  };
}

export type Workload =
  | 'support_bot'
  | 'rag'
  | 'coding_assistant'
  | 'batch_summarisation'
  | 'triage_classifier'
  | 'self_instruct'
  | 'logprob_harvest'
  | 'low_and_slow'
  | 'template_enumeration';

/** An organisation of the scenario and the ground truth about it. */
export interface OrgScenario {
  name: string;
  workload: Workload;
  /** Keys the organisation uses; the ones in `campaignKeys` carry distillation traffic. */
  keys: number;
  campaignKeys: number[];
  /** Simulated start of the campaign (ms), null for benign organisations. */
  campaignStart: number | null;
  /** Premium tokens per hour the contract's minimum commitment pays for. */
  baselineTokensPerHour: number;
}

export interface Scenario {
  start: number;
  end: number;
  orgs: OrgScenario[];
  calls: TrafficCall[];
}
