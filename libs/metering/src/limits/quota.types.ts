import type { Micros } from '@velvet/common';

/** Gateway-wide defaults; null = unlimited. Overrides in `rate_limits` replace them field by field. */
export interface QuotaDefaults {
  orgRequestsPerMinute: number | null;
  orgTokensPerMinute: number | null;
  orgSpendCapMicros: Micros | null;
  keyRequestsPerMinute: number | null;
  keyTokensPerMinute: number | null;
  keySpendCapMicros: Micros | null;
}

export interface AdmissionRequest {
  organizationId: string;
  apiKeyId: string;
  requestId: string;
  /** Prompt estimate + the most output the call may produce. */
  estimatedTokens: number;
  /** Worst-case cost of the call, held against spend caps until it settles. */
  estimatedCostMicros: Micros;
}

export type LimitKind = 'requests' | 'tokens' | 'spend';

export interface Denial {
  scope: 'organization' | 'api_key';
  kind: LimitKind;
  limit: string;
  retryAfterSeconds: number;
  /** True when the cap is reached; false when calls in flight hold the rest of it. */
  exhausted: boolean;
}

/** What admission reserved; settlement hands it back. */
export interface Admission {
  organizationId: string;
  apiKeyId: string;
  requestId: string;
  minute: number;
  month: string;
  holdMember: string;
  estimatedTokens: number;
  estimatedCostMicros: Micros;
  heldSpend: boolean;
}

export type AdmissionResult = { admitted: true; admission: Admission } | { admitted: false; denial: Denial };
