import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogApi } from '../api/catalog';
import { contractsApi, type Contract } from '../api/contracts';
import { Can, useOrgId } from '../auth/auth-context';
import { ContractHistory } from '../manager/contract-history';
import { formatCommitment, formatTerm } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { PagedTable } from '../ui/paged-table';
import { StatusTag } from '../ui/status-tag';
import { ContractRequestForm } from './contract-request-form';

export function ContractsPage() {
  const orgId = useOrgId();
  const [offset, setOffset] = useState(0);
  const [amending, setAmending] = useState<Contract | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const contracts = useQuery({
    queryKey: ['contracts', orgId, offset],
    queryFn: () => contractsApi.listForOrg(orgId, offset),
  });
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: catalogApi.tiers });
  const gated = (tiers.data ?? []).filter((t) => t.gated).map((t) => t.name);
  return (
    <>
      <PageTitle>Contracts</PageTitle>
      <Can I="create" a="Contract">
        {amending ? (
          <ContractRequestForm
            key={amending.id}
            orgId={orgId}
            tiers={gated}
            amend={amending}
            onDone={() => setAmending(null)}
          />
        ) : (
          tiers.isSuccess && <ContractRequestForm orgId={orgId} tiers={gated} />
        )}
      </Can>
      <PagedTable
        query={contracts}
        caption="Your contracts"
        empty="No contracts yet. Request one above to reach the premium models."
        onPage={setOffset}
        head={
          <>
            <th>Tier</th>
            <th className="num">Minimum / period</th>
            <th>Term</th>
            <th>Status</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </>
        }
        row={(c) => (
          <tr key={c.id}>
            <td>{c.tier}</td>
            <td className="num">{formatCommitment(c)}</td>
            <td>{formatTerm(c)}</td>
            <td>
              <StatusTag status={c.status} />
            </td>
            <td>
              <button
                type="button"
                className="link"
                onClick={() => setOpen(open === c.id ? null : c.id)}
              >
                History
              </button>
              {c.status === 'changes_requested' && (
                <button type="button" className="link" onClick={() => setAmending(c)}>
                  Amend
                </button>
              )}
              {open === c.id && <ContractHistory id={c.id} />}
            </td>
          </tr>
        )}
      />
    </>
  );
}
