import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { ErrorBox, Notice } from '../ui/feedback';

export type SsoConnection = View<'SsoConnectionView'>;

/** "group = role" lines, the way an admin types them. */
const toLines = (map: Record<string, string>) =>
  Object.entries(map)
    .map(([g, r]) => `${g} = ${r}`)
    .join('\n');
const fromLines = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.split('=').map((p) => p.trim()))
      .filter((p) => p.length === 2 && p[0] && p[1]),
  ) as Record<string, string>;

/** The identity provider: OpenID Connect (issuer + client) or SAML 2.0 (entity ID, SSO URL, certificate). */
export function SsoConnectionForm({
  orgId,
  connection,
  onSaved,
}: {
  orgId: string;
  connection: SsoConnection | null;
  onSaved: () => void;
}) {
  const [f, setF] = useState({
    protocol: connection?.protocol ?? 'oidc',
    issuer: connection?.issuer ?? '',
    clientId: connection?.clientId ?? '',
    clientSecret: '',
    samlEntryPoint: connection?.samlEntryPoint ?? '',
    samlIdpCert: connection?.samlIdpCert ?? '',
    defaultRole: connection?.defaultRole ?? 'org_member',
    groupRoles: toLines(connection?.groupRoles ?? {}),
    enabled: connection?.enabled ?? true,
    ssoRequired: connection?.ssoRequired ?? false,
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const save = useMutation({
    mutationFn: () =>
      api.put(`/organizations/${orgId}/sso`, {
        protocol: f.protocol,
        issuer: f.issuer,
        enabled: f.enabled,
        ssoRequired: f.ssoRequired,
        defaultRole: f.defaultRole,
        groupRoles: fromLines(f.groupRoles),
        ...(f.protocol === 'oidc'
          ? { clientId: f.clientId, ...(f.clientSecret ? { clientSecret: f.clientSecret } : {}) }
          : { samlEntryPoint: f.samlEntryPoint, samlIdpCert: f.samlIdpCert }),
      }),
    onSuccess: () => {
      setF({ ...f, clientSecret: '' });
      onSaved();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  const oidc = f.protocol === 'oidc';

  return (
    <form onSubmit={submit} className="card stack" aria-label="Identity provider">
      <h2>Identity provider</h2>
      <label>
        Protocol
        <select value={f.protocol} onChange={set('protocol')}>
          <option value="oidc">OpenID Connect</option>
          <option value="saml">SAML 2.0</option>
        </select>
      </label>
      <label>
        {oidc ? 'Issuer URL' : 'IdP entity ID'}
        <input value={f.issuer} onChange={set('issuer')} required />
      </label>
      {oidc ? (
        <>
          <label>
            Client ID
            <input value={f.clientId} onChange={set('clientId')} required />
          </label>
          <label>
            Client secret {connection?.clientSecretSet ? '(set; leave empty to keep it)' : ''}
            <input
              type="password"
              autoComplete="off"
              value={f.clientSecret}
              onChange={set('clientSecret')}
              required={!connection?.clientSecretSet}
            />
          </label>
        </>
      ) : (
        <>
          <label>
            IdP sign-in URL
            <input type="url" value={f.samlEntryPoint} onChange={set('samlEntryPoint')} required />
          </label>
          <label>
            IdP signing certificate
            <textarea rows={4} value={f.samlIdpCert} onChange={set('samlIdpCert')} required />
          </label>
        </>
      )}
      <label>
        Role of new people
        <select value={f.defaultRole} onChange={set('defaultRole')}>
          <option value="org_member">Member</option>
          <option value="org_admin">Admin</option>
        </select>
      </label>
      <label>
        Group to role (one “group = org_admin|org_member” a line)
        <textarea rows={3} value={f.groupRoles} onChange={set('groupRoles')} />
      </label>
      <div className="row">
        <label className="inline">
          <input
            type="checkbox"
            checked={f.enabled}
            onChange={(e) => setF({ ...f, enabled: e.target.checked })}
          />{' '}
          Single sign-on enabled
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={f.ssoRequired}
            onChange={(e) => setF({ ...f, ssoRequired: e.target.checked })}
          />{' '}
          Require single sign-on (refuse passwords)
        </label>
      </div>
      <ErrorBox error={save.error} />
      {save.isSuccess && <Notice>Saved.</Notice>}
      <button type="submit" disabled={save.isPending}>
        Save identity provider
      </button>
    </form>
  );
}
