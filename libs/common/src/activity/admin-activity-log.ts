/**
 * An administrative action worth a tamper-evident record: contract transitions, unlock-rule
 * changes, key creation and revocation, suspensions, role changes. Domain services depend on
 * this abstract class; the audit library provides the implementation that writes it to the log.
 */
export interface AdminAction {
  /** Who did it: a user id (null for the system, e.g. a scheduled job). */
  actorUserId: string | null;
  /** The organisation the action concerns, if any. */
  organizationId: string | null;
  /** Dotted verb, e.g. `contract.approved`, `api_key.revoked`, `org.premium_suspended`. */
  action: string;
  subjectType: string;
  subjectId: string;
  reason?: string | null;
  /** Small, non-secret facts (old and new values); never prompts, keys or passwords. */
  details?: Record<string, unknown>;
  occurredAt?: Date;
}

export abstract class AdminActivityLog {
  /** Resolves once the action is durably accepted for the audit log; rejects otherwise. */
  abstract record(action: AdminAction): Promise<void>;
}
