import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { securityApi } from '../api/security';
import type { Organization, Page } from '../api/types';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { Pager } from '../ui/pager';
import { SuspensionState } from './suspension-state';

/** Suspend or restore an organisation's premium access directly (outside a case), with a reason. */
function OrgAccessRow({ org }: { org: Organization }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: (what: 'suspend' | 'restore') =>
      what === 'suspend'
        ? securityApi.suspend(org.id, reason)
        : securityApi.restore(org.id, reason),
    onSuccess: () => {
      setReason('');
      void client.invalidateQueries({ queryKey: ['suspensions', org.id] });
    },
  });
  return (
    <tr>
      <td>
        {org.name} {org.verified ? '' : <span className="tag warn">unverified</span>}
      </td>
      <td>
        <SuspensionState orgId={org.id} />
      </td>
      <td>
        <div className="row">
          <input
            aria-label={`Reason for ${org.name}`}
            placeholder="reason (required)"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          <button
            type="button"
            className="danger"
            disabled={!reason.trim() || act.isPending}
            onClick={() => act.mutate('suspend')}
            aria-label={`Suspend ${org.name}`}
          >
            Suspend
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!reason.trim() || act.isPending}
            onClick={() => act.mutate('restore')}
            aria-label={`Restore ${org.name}`}
          >
            Restore
          </button>
        </div>
        {act.isSuccess && <Notice>Done.</Notice>}
        <ErrorBox error={act.error} />
      </td>
    </tr>
  );
}

export function AccessPage() {
  const [offset, setOffset] = useState(0);
  const orgs = useQuery({
    queryKey: ['organizations', offset],
    queryFn: () => api.get<Page<Organization>>('/organizations', { limit: 20, offset }),
  });
  return (
    <>
      <PageTitle>Access control</PageTitle>
      <QueryView query={orgs}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No organisations.</Empty>
          ) : (
            <>
              <table>
                <caption className="sr-only">Organisations and their premium access</caption>
                <thead>
                  <tr>
                    <th>Organisation</th>
                    <th>Premium access</th>
                    <th>Action</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((o) => (
                    <OrgAccessRow key={o.id} org={o} />
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
