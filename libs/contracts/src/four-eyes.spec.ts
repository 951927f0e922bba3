import fc from 'fast-check';
import {
  countingApprovals,
  isContributor,
  noteContributor,
  requiredApprovalsAfterChange,
  type ReviewFacts,
} from './four-eyes';

/** The tier rule of the model: two approvals above 100. */
const forTerms = (amount: number) => (amount > 100 ? 2 : 1);
const STAFF = ['am1', 'am2', 'am3', 'am4'];
const ACTORS = ['customer', ...STAFF];

type Op =
  | { kind: 'amend'; actor: string; amount: number }
  | { kind: 'edit'; actor: string; amount: number }
  | { kind: 'submit'; actor: string }
  | { kind: 'requestChanges'; actor: string }
  | { kind: 'approve'; actor: string };

/**
 * A contract under review driven the way ContractsService / ContractReviewService drive it, with
 * the same four-eyes functions. Beside it, a plain history of who did what at which amount, from
 * which the invariant is checked independently of the review's own bookkeeping.
 */
class Review {
  facts: ReviewFacts = { requestedBy: 'customer', reviewContributors: [], requiredApprovals: 1 };
  status: 'submitted' | 'changes_requested' | 'approved' = 'submitted';
  amount: number;
  round = 0;
  approvals = new Map<number, string[]>();
  /** Everyone who shaped or submitted a version, and every amount submitted for review. */
  readonly shapers = new Set<string>(['customer']);
  readonly amountsUnderReview: number[] = [];

  constructor(amount: number) {
    this.amount = amount;
    noteContributor(this.facts, 'customer');
    this.submitVersion('customer');
  }

  apply(op: Op): 'done' | 'refused' {
    switch (op.kind) {
      case 'amend': // staff change terms under review: a new round
        if (this.status !== 'submitted' || op.actor === 'customer') return 'refused';
        this.amount = op.amount;
        this.submitVersion(op.actor);
        return 'done';
      case 'edit': // anyone of the two sides changes a returned contract
        if (this.status !== 'changes_requested') return 'refused';
        this.amount = op.amount;
        this.shapers.add(op.actor);
        noteContributor(this.facts, op.actor);
        return 'done';
      case 'submit':
        if (this.status !== 'changes_requested') return 'refused';
        this.submitVersion(op.actor);
        return 'done';
      case 'requestChanges':
        if (this.status !== 'submitted' || op.actor === 'customer') return 'refused';
        this.status = 'changes_requested';
        return 'done';
      case 'approve': {
        if (this.status !== 'submitted' || op.actor === 'customer') return 'refused';
        if (isContributor(this.facts, op.actor)) return 'refused';
        const approvers = this.approvals.get(this.round) ?? [];
        if (approvers.includes(op.actor)) return 'refused';
        approvers.push(op.actor);
        this.approvals.set(this.round, approvers);
        if (countingApprovals(this.facts, approvers) >= this.facts.requiredApprovals)
          this.status = 'approved';
        return 'done';
      }
    }
  }

  private submitVersion(actor: string) {
    this.shapers.add(actor);
    this.amountsUnderReview.push(this.amount);
    noteContributor(this.facts, actor);
    this.round += 1;
    this.facts.requiredApprovals = requiredApprovalsAfterChange(this.facts, forTerms(this.amount));
    this.status = 'submitted';
  }
}

const amount = fc.oneof(fc.constantFrom(1, 100, 101, 500_000), fc.integer({ min: 1, max: 1000 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('amend' as const), actor: fc.constantFrom(...ACTORS), amount }),
  fc.record({ kind: fc.constant('edit' as const), actor: fc.constantFrom(...ACTORS), amount }),
  fc.record({ kind: fc.constant('submit' as const), actor: fc.constantFrom(...ACTORS) }),
  fc.record({ kind: fc.constant('requestChanges' as const), actor: fc.constantFrom(...STAFF) }),
  fc.record({ kind: fc.constant('approve' as const), actor: fc.constantFrom(...ACTORS) }),
  fc.record({ kind: fc.constant('approve' as const), actor: fc.constantFrom(...ACTORS) }),
);

describe('four-eyes', () => {
  it('never approves with fewer distinct non-contributors than the largest amount under review needs', () => {
    fc.assert(
      fc.property(amount, fc.array(op, { maxLength: 40 }), (start, ops) => {
        const review = new Review(start);
        for (const o of ops) {
          if (review.status === 'approved') break;
          review.apply(o);
        }
        if (review.status !== 'approved') return;
        const approvers = new Set(review.approvals.get(review.round));
        for (const a of approvers) expect(review.shapers.has(a)).toBe(false);
        expect(approvers.size).toBeGreaterThanOrEqual(
          Math.max(...review.amountsUnderReview.map(forTerms)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses the amend-down, edit-notes, approve sequence of the attack run', () => {
    const review = new Review(500_000);
    expect(review.apply({ kind: 'amend', actor: 'am1', amount: 1 })).toBe('done');
    expect(review.apply({ kind: 'approve', actor: 'am1' })).toBe('refused');
    expect(review.apply({ kind: 'amend', actor: 'am2', amount: 1 })).toBe('done');
    expect(review.apply({ kind: 'approve', actor: 'am1' })).toBe('refused');
    expect(review.facts.requiredApprovals).toBe(2);
    expect(review.apply({ kind: 'approve', actor: 'am3' })).toBe('done');
    expect(review.status).toBe('submitted');
    expect(review.apply({ kind: 'approve', actor: 'am4' })).toBe('done');
    expect(review.status).toBe('approved');
  });

  it('does not count an approver who is a contributor, even if recorded', () => {
    const facts: ReviewFacts = {
      requestedBy: 'customer',
      reviewContributors: ['customer', 'am1'],
      requiredApprovals: 2,
    };
    expect(countingApprovals(facts, ['am1', 'am2', 'am2', 'customer'])).toBe(1);
  });
});
