import { Injectable } from '@nestjs/common';
import { type EntitlementExplanation, ExplanationService } from '@velvet/entitlements';

/**
 * The organisation's explanation, computed live when the gateway refuses a call (never on the
 * allowed path). Concurrent refusals for one organisation share one evaluation, so a client
 * retrying a locked model in a tight loop costs one evaluation at a time, and the reason is
 * read from the database at the moment of the refusal (no cache to go stale).
 */
@Injectable()
export class RefusalExplainer {
  private readonly inFlight = new Map<string, Promise<EntitlementExplanation>>();

  constructor(private readonly explanations: ExplanationService) {}

  explain(organizationId: string): Promise<EntitlementExplanation> {
    let p = this.inFlight.get(organizationId);
    if (!p) {
      p = this.explanations
        .explain(organizationId)
        .finally(() => this.inFlight.delete(organizationId));
      this.inFlight.set(organizationId, p);
    }
    return p;
  }
}
