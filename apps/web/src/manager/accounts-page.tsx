import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { contractsApi } from '../api/contracts';
import { PeriodProgress } from '../org/commitment-card';
import { formatCommitment, formatTerm } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { OrgName } from '../ui/org-name';
import { PagedTable } from '../ui/paged-table';

/** Every active commitment: this period's spend against its minimum, and the shortfall so far. */
export function AccountsPage() {
  const [offset, setOffset] = useState(0);
  const active = useQuery({
    queryKey: ['active-contracts', offset],
    queryFn: () => contractsApi.list({ status: 'active', limit: 20, offset }),
  });
  return (
    <>
      <PageTitle>Commitments</PageTitle>
      <PagedTable
        query={active}
        caption="Accounts against their commitments"
        empty="No active contracts."
        onPage={setOffset}
        head={
          <>
            <th>Organisation</th>
            <th>Tier</th>
            <th className="num">Minimum / period</th>
            <th>Term</th>
            <th style={{ width: '40%' }}>This period</th>
          </>
        }
        row={(c) => (
          <tr key={c.id}>
            <td>
              <OrgName id={c.organizationId} />
            </td>
            <td>{c.tier}</td>
            <td className="num">{formatCommitment(c)}</td>
            <td>{formatTerm(c)}</td>
            <td>
              <PeriodProgress contract={c} label={`Spend against commitment ${c.id.slice(0, 8)}`} />
            </td>
          </tr>
        )}
      />
    </>
  );
}
