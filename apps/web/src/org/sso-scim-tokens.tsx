import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';

type ScimToken = View<'ScimTokenView'>;

/** Bearer tokens for the organisation's provisioning client (Okta, Entra): shown once, revocable. */
export function ScimTokens({ orgId }: { orgId: string }) {
  const client = useQueryClient();
  const tokens = useQuery({
    queryKey: ['scim-tokens', orgId],
    queryFn: () => api.get<ScimToken[]>(`/organizations/${orgId}/scim-tokens`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['scim-tokens', orgId] });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api.post<View<'CreatedScimTokenView'>>(`/organizations/${orgId}/scim-tokens`, { name }),
    onSuccess: () => {
      setName('');
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del(`/organizations/${orgId}/scim-tokens/${id}`),
    onSuccess: refresh,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <section className="card stack" aria-label="Provisioning (SCIM)">
      <h2>Provisioning (SCIM 2.0)</h2>
      <p>
        Your identity provider creates, updates and deactivates people at{' '}
        <code>{`${window.location.origin}/scim/v2`}</code> with a token made here. Deactivating
        someone ends their sessions at once.
      </p>
      <form onSubmit={submit} className="row" aria-label="New SCIM token">
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Make token
        </button>
      </form>
      {create.data && (
        <Notice>
          Token for <strong>{create.data.name}</strong> (shown once, copy it now):{' '}
          <code>{create.data.token}</code>
        </Notice>
      )}
      <ErrorBox error={create.error ?? revoke.error} />
      <QueryView query={tokens} what="the SCIM tokens">
        {(list) =>
          list.length === 0 ? (
            <Empty>No SCIM token yet.</Empty>
          ) : (
            <table>
              <caption>SCIM tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Made</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {list.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{formatDate(t.createdAt)}</td>
                    <td>
                      {t.revokedAt ? (
                        `Revoked ${formatDate(t.revokedAt)}`
                      ) : (
                        <button type="button" className="link" onClick={() => revoke.mutate(t.id)}>
                          Revoke {t.name}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </section>
  );
}
