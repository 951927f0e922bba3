import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ApiKey } from '../api/types';
import { Can, useOrgId, useSession } from '../auth/auth-context';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { CorsOriginsCard } from './cors-origins-card';

export function ApiKeysPage() {
  const orgId = useOrgId();
  const { me } = useSession();
  const unconfirmed = me?.organization?.emailVerified === false;
  const resend = useMutation({ mutationFn: () => api.post('/auth/verify-email/resend') });
  const client = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys', orgId],
    queryFn: () => api.get<ApiKey[]>(`/organizations/${orgId}/api-keys`),
  });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<(ApiKey & { key: string }) | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post<ApiKey & { key: string }>(`/organizations/${orgId}/api-keys`, { name }),
    onSuccess: (k) => {
      setCreated(k);
      setName('');
      void client.invalidateQueries({ queryKey: ['api-keys', orgId] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del<ApiKey>(`/organizations/${orgId}/api-keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys', orgId] }),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <>
      <PageTitle>API keys</PageTitle>
      {unconfirmed && (
        <Notice>
          Confirm your sign-up address first: follow the link we mailed you.{' '}
          <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}>
            {resend.isSuccess ? 'Sent again' : 'Send the link again'}
          </button>
        </Notice>
      )}
      <Can I="create" a="ApiKey">
        <form onSubmit={submit} className="card row" aria-label="Create API key">
          <label>
            Key name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={100}
              placeholder="support-bot production"
            />
          </label>
          <button type="submit" disabled={create.isPending}>
            Create key
          </button>
        </form>
        <ErrorBox error={create.error} />
      </Can>
      {created && (
        <Notice>
          <p>
            <strong>Copy this key now — it will not be shown again.</strong>
          </p>
          <code aria-label="New API key" className="secret">
            {created.key}
          </code>{' '}
          <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key)}>
            Copy
          </button>{' '}
          <button type="button" className="link" onClick={() => setCreated(null)}>
            Done
          </button>
        </Notice>
      )}
      <ErrorBox error={revoke.error} />
      <QueryView query={keys}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No API keys yet. Create one to call models through the gateway.</Empty>
          ) : (
            <div className="table-scroll" tabIndex={0}>
              <table>
                <caption className="sr-only">API keys</caption>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Prefix</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th>Status</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((k) => (
                    <tr key={k.id}>
                      <td>{k.name}</td>
                      <td>
                        <code>{k.prefix}</code>
                      </td>
                      <td>{formatDateTime(k.createdAt)}</td>
                      <td>{formatDateTime(k.lastUsedAt)}</td>
                      <td>
                        {k.revokedAt ? (
                          <span className="tag bad">revoked</span>
                        ) : (
                          <span className="tag good">active</span>
                        )}
                      </td>
                      <td>
                        {!k.revokedAt && (
                          <Can I="delete" a="ApiKey">
                            <button
                              type="button"
                              className="danger"
                              aria-label={`Revoke ${k.name}`}
                              disabled={revoke.isPending}
                              onClick={() =>
                                window.confirm(
                                  `Revoke key "${k.name}"? Calls with it will fail at once.`,
                                ) && revoke.mutate(k.id)
                              }
                            >
                              Revoke
                            </button>
                          </Can>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      <CorsOriginsCard />
    </>
  );
}
