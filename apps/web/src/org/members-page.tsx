import type { Dto } from '../api/wire';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { User } from '../api/types';
import { Can, useAbility, useOrgId, useSession } from '../auth/auth-context';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { UsersTable, type RoleOption } from '../ui/users-table';
import { PendingInvitations, type Invitation } from './pending-invitations';

const ORG_ROLES: RoleOption[] = [
  { value: 'org_member', label: 'Member' },
  { value: 'org_admin', label: 'Admin' },
];

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
  const [role, setRole] = useState<Dto<'InviteMemberDto'>['role']>('org_member');
  const [invited, setInvited] = useState<Invitation | null>(null);
  const invite = useMutation({
    mutationFn: () =>
      api.post<Invitation>(`/organizations/${orgId}/invitations`, {
        email,
        role,
      } satisfies Dto<'InviteMemberDto'>),
    onSuccess: (inv) => {
      setInvited(inv);
      setEmail('');
      void client.invalidateQueries({ queryKey: ['invitations', orgId] });
    },
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
              onChange={(e) => setRole(e.target.value as Dto<'InviteMemberDto'>['role'])}
            >
              {ORG_ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
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
          until {formatDate(invited.expiresAt)}, sent to that address. The link in the mail works
          once.
        </Notice>
      )}
      <Can I="read" a="Invitation">
        <PendingInvitations orgId={orgId} />
      </Can>
      <QueryView query={members}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No members.</Empty>
          ) : (
            <UsersTable
              users={list}
              caption="Members"
              createdHeader="Joined"
              roles={ORG_ROLES}
              userPath={(id) => `/organizations/${orgId}/members/${id}`}
              queryKey={['members', orgId]}
              editable={(u) => canEdit && u.id !== me?.user.id}
              lockedRoleAs="text"
            />
          )
        }
      </QueryView>
    </>
  );
}
