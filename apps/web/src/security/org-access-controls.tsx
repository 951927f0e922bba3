import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { securityApi } from '../api/security';
import type { Organization } from '../api/types';
import { ConfirmButton } from '../ui/confirm-button';
import { ErrorBox, Notice } from '../ui/feedback';

/**
 * Suspend or restore an organisation's premium access directly (outside a case), with a reason and
 * a confirmation. Only the action that applies to the current state is offered.
 */
export function OrgAccessControls({ org }: { org: Organization }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const suspensions = useQuery({
    queryKey: ['suspensions', org.id],
    queryFn: () => securityApi.suspensions(org.id),
  });
  const suspended = (suspensions.data ?? []).some((s) => !s.restoredAt);
  const act = useMutation({
    mutationFn: (what: 'suspend' | 'restore') =>
      what === 'suspend'
        ? securityApi.suspend(org.id, reason)
        : securityApi.restore(org.id, reason),
    onSuccess: (_, what) => {
      setReason('');
      void client.invalidateQueries({ queryKey: ['suspensions', org.id] });
      return what;
    },
  });
  const what = suspended ? 'restore' : 'suspend';
  const label = suspended ? 'Restore' : 'Suspend';
  return (
    <>
      <div className="row">
        <input
          aria-label={`Reason for ${org.name}`}
          placeholder="reason (required)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        {suspensions.isSuccess && (
          <ConfirmButton
            className={suspended ? 'secondary' : 'danger'}
            disabled={!reason.trim() || act.isPending}
            aria-label={`${label} ${org.name}`}
            title={`${label} premium access of ${org.name}?`}
            details={
              <>
                <p>
                  {suspended
                    ? 'Premium models unlock again for this organisation as soon as the gateways hear of it.'
                    : 'Every premium call of this organisation is refused until someone restores it.'}
                </p>
                <p>
                  Reason recorded in the audit log: <q>{reason.trim()}</q>
                </p>
              </>
            }
            onConfirm={() => act.mutate(what)}
          >
            {label}
          </ConfirmButton>
        )}
      </div>
      {act.isSuccess && <Notice>{act.variables === 'suspend' ? 'Suspended.' : 'Restored.'}</Notice>}
      <ErrorBox error={act.error} what="the access change" />
    </>
  );
}
