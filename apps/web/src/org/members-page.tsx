import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Role, User } from '../api/types';
import { Can, useAbility, useOrgId, useSession } from '../auth/auth-context';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';
import { PageTitle } from '../ui/layout';

interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  token: string;
}

export function MembersPage() {
  const orgId = useOrgId();
  const { me } = useSession();
  const ability = useAbility();
  const client = useQueryClient();
  const members = useQuery({
    queryKey: ['members', orgId],
    queryFn: () => api.get<User[]>(`/organizations/${orgId}/members`),
  });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('org_member');
  const [invited, setInvited] = useState<Invitation | null>(null);
  const invite = useMutation({
    mutationFn: () => api.post<Invitation>(`/organizations/${orgId}/invitations`, { email, role }),
    onSuccess: (inv) => {
      setInvited(inv);
      setEmail('');
    },
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; status?: string }) =>
      api.patch<User>(`/organizations/${orgId}/members/${id}`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: ['members', orgId] }),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    invite.mutate();
  }
  const canEdit = ability.can('update', 'User');

  return (
    <>
      <PageTitle>Members</PageTitle>
      <Can I="create" a="Invitation">
        <form onSubmit={submit} className="card row" aria-label="Invite member">
          <label>
            Email to invite
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </label>
          <label>
            Role
            <select
              aria-label="Role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
            >
              <option value="org_member">Member</option>
              <option value="org_admin">Admin</option>
            </select>
          </label>
          <button type="submit" disabled={invite.isPending}>
            Send invitation
          </button>
        </form>
        <ErrorBox error={invite.error} />
      </Can>
      {invited && (
        <Notice>
          Invitation for <strong>{invited.email}</strong> ({invited.role.replace('_', ' ')}), valid
          until {formatDate(invited.expiresAt)}. Send them this one-time link (shown once):{' '}
          <code aria-label="Invitation link" className="secret">
            {`${window.location.origin}/app/accept?token=${encodeURIComponent(invited.token)}`}
          </code>
        </Notice>
      )}
      <ErrorBox error={update.error} />
      <QueryView query={members}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No members.</Empty>
          ) : (
            <table>
              <caption className="sr-only">Members</caption>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Joined</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => {
                  const self = u.id === me?.user.id;
                  return (
                    <tr key={u.id}>
                      <td>{u.displayName}</td>
                      <td>{u.email}</td>
                      <td>
                        {canEdit && !self ? (
                          <select
                            aria-label={`Role of ${u.email}`}
                            value={u.role}
                            disabled={update.isPending}
                            onChange={(e) =>
                              update.mutate({ id: u.id, role: e.target.value as Role })
                            }
                          >
                            <option value="org_member">Member</option>
                            <option value="org_admin">Admin</option>
                          </select>
                        ) : (
                          u.role.replace('_', ' ')
                        )}
                      </td>
                      <td>
                        {u.status}{' '}
                        {canEdit && !self && (
                          <button
                            type="button"
                            className="link"
                            onClick={() =>
                              update.mutate({
                                id: u.id,
                                status: u.status === 'active' ? 'disabled' : 'active',
                              })
                            }
                          >
                            {u.status === 'active' ? 'Disable' : 'Enable'}
                          </button>
                        )}
                      </td>
                      <td>{formatDate(u.createdAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </>
  );
}
