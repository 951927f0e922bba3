/**
 * The four-eyes rule as pure functions over a contract's review facts, so the services and a
 * property test run the very same code.
 *
 * A contract has one review: from its first submission until a decision ends it (approval,
 * rejection). A return for changes does not end it, so nobody can reset the bar by sending a
 * contract back and forth. Within the review:
 * - everyone who requested, edited or submitted any version is a contributor and may not
 *   approve it (not only whoever touched it last);
 * - the number of approvals needed only ever goes up: an amendment that lowers the amount
 *   cannot lower the bar that the larger amount set.
 */
export interface ReviewFacts {
  requestedBy: string;
  /** Everyone who requested, edited or submitted any version, requester included. */
  reviewContributors: string[];
  requiredApprovals: number;
}

/** Marks `userId` as having shaped this contract (idempotent). */
export function noteContributor(facts: ReviewFacts, userId: string): void {
  const known = new Set([facts.requestedBy, ...(facts.reviewContributors ?? [])]);
  known.add(userId);
  facts.reviewContributors = [...known];
}

/**
 * The approvals needed when the current terms alone would need `forTerms`: never fewer than an
 * earlier submitted version asked for (a draft never submitted keeps the default of 1).
 */
export function requiredApprovalsAfterChange(facts: ReviewFacts, forTerms: number): number {
  return Math.max(facts.requiredApprovals, forTerms);
}

export function isContributor(facts: ReviewFacts, userId: string): boolean {
  return userId === facts.requestedBy || (facts.reviewContributors ?? []).includes(userId);
}

/**
 * How many distinct eyes the round's approvals amount to: only approvers who never shaped the
 * contract count (belt and braces: the service refuses contributors before they approve).
 */
export function countingApprovals(facts: ReviewFacts, approvers: readonly string[]): number {
  return new Set(approvers.filter((a) => !isContributor(facts, a))).size;
}
