import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { Can, useOrgId } from '../auth/auth-context';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { SsoConnectionForm } from './sso-connection-form';
import { ScimTokens } from './sso-scim-tokens';

export type SsoDomain = View<'SsoDomainView'>;
type SsoSettings = View<'SsoSettingsView'>;

/** The org admin's single sign-on: the identity provider, and the e-mail domains it signs in. */
export function SsoSettingsPage() {
  const orgId = useOrgId();
  const client = useQueryClient();
  const settings = useQuery({
    queryKey: ['sso', orgId],
    queryFn: () => api.get<SsoSettings>(`/organizations/${orgId}/sso`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['sso', orgId] });
  const [domain, setDomain] = useState('');
  const claim = useMutation({
    mutationFn: () => api.post<SsoDomain>(`/organizations/${orgId}/sso/domains`, { domain }),
    onSuccess: () => {
      setDomain('');
      refresh();
    },
  });
  const unclaim = useMutation({
    mutationFn: (d: string) =>
      api.del(`/organizations/${orgId}/sso/domains/${encodeURIComponent(d)}`),
    onSuccess: refresh,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    claim.mutate();
  }

  return (
    <>
      <PageTitle>Single sign-on</PageTitle>
      <QueryView query={settings} what="the single sign-on settings">
        {(s) => (
          <>
            <section className="card stack" aria-label="E-mail domains">
              <h2>E-mail domains</h2>
              <p>
                People sign in through your identity provider only with an address in a domain you
                claimed here and that we verified (your account manager confirms you own it).
              </p>
              {s.domains.length === 0 ? (
                <Empty>No domain claimed yet.</Empty>
              ) : (
                <table>
                  <caption>Claimed domains</caption>
                  <thead>
                    <tr>
                      <th scope="col">Domain</th>
                      <th scope="col">Status</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.domains.map((d) => (
                      <tr key={d.domain}>
                        <td>{d.domain}</td>
                        <td>{d.verifiedAt ? 'Verified' : 'Waiting for verification'}</td>
                        <td>
                          <Can I="delete" a="SsoDomain">
                            <button
                              type="button"
                              className="link"
                              onClick={() => unclaim.mutate(d.domain)}
                            >
                              Remove {d.domain}
                            </button>
                          </Can>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <Can I="create" a="SsoDomain">
                <form onSubmit={submit} className="row" aria-label="Claim domain">
                  <label>
                    Domain
                    <input
                      value={domain}
                      onChange={(e) => setDomain(e.target.value)}
                      placeholder="example.com"
                      required
                    />
                  </label>
                  <button type="submit" disabled={claim.isPending}>
                    Claim domain
                  </button>
                </form>
              </Can>
              <ErrorBox error={claim.error ?? unclaim.error} />
            </section>
            <Can I="create" a="ScimToken">
              <ScimTokens orgId={orgId} />
            </Can>
            <Can I="update" a="SsoConnection">
              <SsoConnectionForm orgId={orgId} connection={s.connection} onSaved={refresh} />
            </Can>
            {s.connection?.ssoRequired && (
              <Notice>
                Password sign-in is refused for your organisation’s members: they sign in through
                your identity provider.
              </Notice>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
