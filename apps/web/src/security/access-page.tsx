import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { securityApi } from '../api/security';
import type { Organization, Page } from '../api/types';
import { ErrorBox, Notice } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { PagedTable } from '../ui/paged-table';
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
      <PagedTable
        query={orgs}
        caption="Organisations and their premium access"
        empty="No organisations."
        onPage={setOffset}
        head={
          <>
            <th>Organisation</th>
            <th>Premium access</th>
            <th>Action</th>
          </>
        }
        row={(o) => <OrgAccessRow key={o.id} org={o} />}
      />
    </>
  );
}
