import type { Contract, OverlappingContract } from '../api/contracts';
import { formatMicros, formatTerm } from '../ui/format';
import { StatusTag } from '../ui/status-tag';

const OPEN = ['draft', 'submitted', 'changes_requested', 'approved', 'active'];
const BINDING = ['approved', 'active'];

/** The organisation's open contracts for `tier` whose terms overlap [start, end], as the API computes them. */
export function overlapsOf(
  contracts: Contract[],
  tier: string,
  start: string,
  end: string,
  replacesId?: string,
): OverlappingContract[] {
  return contracts
    .filter(
      (c) => c.tier === tier && OPEN.includes(c.status) && c.termStart <= end && c.termEnd >= start,
    )
    .map((c) => ({
      ...c,
      replaced: c.id === replacesId,
      blocking: BINDING.includes(c.status) && c.id !== replacesId,
    }));
}

/**
 * Existing and pending contracts that overlap the one being requested or reviewed: only one
 * approved or active contract per tier may cover a day, unless the new one amends or replaces it.
 */
export function OverlappingContracts({
  items,
  title,
}: {
  items: OverlappingContract[];
  title: string;
}) {
  if (items.length === 0) return <p className="muted">{title}: none overlap these dates.</p>;
  const blocking = items.some((o) => o.blocking);
  return (
    <div aria-label={title}>
      <p className={blocking ? 'refusal' : 'muted'}>
        <strong>{title}:</strong>{' '}
        {blocking
          ? 'an approved or active contract already covers part of this term; approval will be refused unless this request amends or replaces it.'
          : 'pending requests overlap these dates; only one can be approved unless one replaces the other.'}
      </p>
      <ul>
        {items.map((o) => (
          <li key={o.id}>
            {formatTerm(o)} · {formatMicros(o.minSpendMicros, o.currency)} per period ·{' '}
            <StatusTag status={o.status} />
            {o.replaced ? ' — replaced by this one' : o.blocking ? ' — blocks approval' : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
