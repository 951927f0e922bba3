import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';

export type Invitation = View<'InvitationView'>;

/** Invitations not yet accepted: resend (a new link; the old one stops working) or revoke. */
export function PendingInvitations({ orgId }: { orgId: string }) {
  const client = useQueryClient();
  const key = ['invitations', orgId];
  const pending = useQuery({
    queryKey: key,
    queryFn: () => api.get<Invitation[]>(`/organizations/${orgId}/invitations`),
  });
  const act = useMutation({
    mutationFn: ({ id, what }: { id: string; what: 'resend' | 'revoke' }) =>
      what === 'resend'
        ? api.post(`/organizations/${orgId}/invitations/${id}/resend`)
        : api.del(`/organizations/${orgId}/invitations/${id}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: key }),
  });
  return (
    <section className="card" aria-label="Pending invitations">
      <h2>Pending invitations</h2>
      <QueryView query={pending} what="the pending invitations">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No pending invitations.</p>
          ) : (
            <ul className="stack plain">
              {list.map((i) => (
                <li key={i.id} className="row">
                  <span>
                    <strong>{i.email}</strong> ({i.role.replace('_', ' ')}), valid until{' '}
                    {formatDate(i.expiresAt)}
                  </span>
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={`Resend invitation to ${i.email}`}
                    disabled={act.isPending}
                    onClick={() => act.mutate({ id: i.id, what: 'resend' })}
                  >
                    Resend
                  </button>
                  <button
                    type="button"
                    className="danger small"
                    aria-label={`Revoke invitation to ${i.email}`}
                    disabled={act.isPending}
                    onClick={() => act.mutate({ id: i.id, what: 'revoke' })}
                  >
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {act.isSuccess && (
        <Notice>
          {act.variables.what === 'resend'
            ? 'A new link was mailed; the previous one no longer works.'
            : 'Invitation revoked; its link no longer works.'}
        </Notice>
      )}
      <ErrorBox error={act.error} what="the invitation" />
    </section>
  );
}
