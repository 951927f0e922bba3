import { Injectable } from '@nestjs/common';
import { type EntitlementExplanation, ExplanationService } from '@velvet/entitlements';

const MAX_REMEMBERED = 50_000;

/**
 * The organisation's explanation, computed live when the gateway refuses a call (never on the
 * allowed path). Concurrent refusals for one organisation share one evaluation, so a client
 * retrying a locked model in a tight loop costs one evaluation at a time, and the reason is
 * read from the database at the moment of the refusal (no cache to go stale).
 *
 * The latest one per organisation is remembered: it can be newer than the stored evaluation the
 * entitlement cache loads next (an evaluation that read its facts just before a new spend lands
 * after a live explanation that counted it), and a 403 must not go back to the older reason.
 */
@Injectable()
export class RefusalExplainer {
  private readonly inFlight = new Map<string, Promise<EntitlementExplanation>>();
  private readonly latest = new Map<string, EntitlementExplanation>();

  constructor(private readonly explanations: ExplanationService) {}

  explain(organizationId: string): Promise<EntitlementExplanation> {
    let p = this.inFlight.get(organizationId);
    if (!p) {
      p = this.explanations
        .explain(organizationId)
        .then((explanation) => this.remember(explanation))
        .finally(() => this.inFlight.delete(organizationId));
      this.inFlight.set(organizationId, p);
    }
    return p;
  }

  /** The last explanation computed here for this organisation, if its facts are newer than `asOf` (ms). */
  newerThan(organizationId: string, asOf: number): EntitlementExplanation | null {
    const explanation = this.latest.get(organizationId);
    if (!explanation) return null;
    if (explanation.evaluatedAt.getTime() > asOf) return explanation;
    this.latest.delete(organizationId); // superseded by a stored evaluation: forget it
    return null;
  }

  private remember(explanation: EntitlementExplanation): EntitlementExplanation {
    const held = this.latest.get(explanation.organizationId);
    if (!held || held.evaluatedAt <= explanation.evaluatedAt) {
      if (this.latest.size >= MAX_REMEMBERED) this.latest.clear();
      this.latest.set(explanation.organizationId, explanation);
    }
    return explanation;
  }
}
