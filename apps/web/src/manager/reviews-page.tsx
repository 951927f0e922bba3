import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { contractsApi, type Contract } from '../api/contracts';
import { formatDate, formatCommitment } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { PagedTable } from '../ui/paged-table';
import { OrgName } from '../ui/org-name';
import { ReviewPanel } from './review-panel';

const FILTERS = [
  { value: 'submitted', label: 'Awaiting review' },
  { value: 'changes_requested', label: 'Returned for changes' },
  { value: 'approved', label: 'Approved' },
  { value: 'active', label: 'Active' },
  { value: 'rejected', label: 'Rejected' },
  { value: '', label: 'All' },
];

export function ReviewsPage() {
  const [status, setStatus] = useState('submitted');
  const [offset, setOffset] = useState(0);
  // the contract under review stays open after a decision moves it out of the filtered list
  const [selected, setSelected] = useState<Contract | null>(null);
  const queue = useQuery({
    queryKey: ['review-queue', status, offset],
    queryFn: () => contractsApi.list({ status: status || undefined, limit: 20, offset }),
  });
  return (
    <>
      <PageTitle
        actions={
          <label>
            Show
            <select
              aria-label="Show contracts"
              value={status}
              onChange={(e) => (setStatus(e.target.value), setOffset(0), setSelected(null))}
            >
              {FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        }
      >
        Contract queue
      </PageTitle>
      <PagedTable
        query={queue}
        caption="Contract requests"
        empty="Nothing here. New contract requests appear in this queue."
        onPage={setOffset}
        head={
          <>
            <th>Organisation</th>
            <th>Tier</th>
            <th className="num">Minimum / period</th>
            <th>Approvals</th>
            <th>Requested</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </>
        }
        row={(c) => (
          <tr key={c.id} aria-selected={selected?.id === c.id}>
            <td>
              <OrgName id={c.organizationId} />
            </td>
            <td>{c.tier}</td>
            <td className="num">{formatCommitment(c)}</td>
            <td>
              {c.requiredApprovals > 1 ? (
                <span className="tag warn">four-eyes ({c.requiredApprovals})</span>
              ) : (
                'single'
              )}
            </td>
            <td>{formatDate(c.createdAt)}</td>
            <td>
              <button
                type="button"
                onClick={() => setSelected(c)}
                aria-label={`Review ${c.tier} contract ${c.id.slice(0, 8)}`}
              >
                Review
              </button>
            </td>
          </tr>
        )}
      />
      {selected && <ReviewPanel key={selected.id} contract={selected} />}
    </>
  );
}
