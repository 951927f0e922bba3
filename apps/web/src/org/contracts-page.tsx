import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogApi } from '../api/catalog';
import { contractsApi, type Contract } from '../api/contracts';
import { Can, useOrgId } from '../auth/auth-context';
import { ContractHistory } from '../manager/contract-history';
import { Empty, QueryView } from '../ui/feedback';
import { formatDate, formatMicros } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { Pager } from '../ui/pager';
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
      <QueryView query={contracts}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No contracts yet. Request one above to reach the premium models.</Empty>
          ) : (
            <>
              <table>
                <caption className="sr-only">Your contracts</caption>
                <thead>
                  <tr>
                    <th>Tier</th>
                    <th className="num">Minimum / period</th>
                    <th>Term</th>
                    <th>Status</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((c) => (
                    <tr key={c.id}>
                      <td>{c.tier}</td>
                      <td className="num">
                        {formatMicros(c.minSpendMicros, c.currency)} / {c.periodMonths} mo
                      </td>
                      <td>
                        {formatDate(c.termStart)} – {formatDate(c.termEnd)}
                      </td>
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
                  ))}
                </tbody>
              </table>
              <Pager
                total={page.total}
                limit={page.limit}
                offset={page.offset}
                onChange={setOffset}
              />
            </>
          )
        }
      </QueryView>
    </>
  );
}
