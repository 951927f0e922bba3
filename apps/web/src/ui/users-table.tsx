import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Role, User } from '../api/types';
import { ConfirmButton } from './confirm-button';
import { ErrorBox } from './feedback';
import { formatDate } from './format';
import { useSortable } from './sortable';

export interface RoleOption {
  value: Role;
  label: string;
}

interface Props {
  users: User[];
  caption: string;
  /** Header of the date column ("Joined" for members, "Created" for staff). */
  createdHeader: string;
  roles: RoleOption[];
  /** PATCH target for one user; the list under `queryKey` is refetched after a change. */
  userPath(id: string): string;
  queryKey: readonly unknown[];
  /** May the viewer change this user's role and status (never their own). */
  editable(user: User): boolean;
  /** A user the viewer may not edit: their role as a disabled select (staff) or as plain text. */
  lockedRoleAs: 'select' | 'text';
}

/** Users with their role and status; role change and disable / enable where the viewer may. */
export function UsersTable(props: Props) {
  const { users, caption, createdHeader, roles, editable, lockedRoleAs } = props;
  const client = useQueryClient();
  const { sorted, header } = useSortable(users, {
    name: (u) => u.displayName.toLowerCase(),
    email: (u) => u.email,
    role: (u) => u.role,
    status: (u) => u.status,
    created: (u) => u.createdAt,
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; status?: string }) =>
      api.patch<User>(props.userPath(id), body),
    onSuccess: () => client.invalidateQueries({ queryKey: props.queryKey }),
  });
  const roleSelect = (u: User, disabled: boolean) => (
    <select
      aria-label={`Role of ${u.email}`}
      value={u.role}
      disabled={disabled}
      onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
    >
      {roles.map((r) => (
        <option key={r.value} value={r.value}>
          {r.label}
        </option>
      ))}
    </select>
  );
  return (
    <>
      <ErrorBox error={update.error} />
      <div className="table-scroll" tabIndex={0}>
        <table>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {header('name', 'Name')}
              {header('email', 'Email')}
              {header('role', 'Role')}
              {header('status', 'Status')}
              {header('created', createdHeader)}
            </tr>
          </thead>
          <tbody>
            {sorted.map((u) => {
              const canEdit = editable(u);
              return (
                <tr key={u.id}>
                  <td>{u.displayName}</td>
                  <td>{u.email}</td>
                  <td>
                    {canEdit || lockedRoleAs === 'select'
                      ? roleSelect(u, !canEdit || update.isPending)
                      : u.role.replace('_', ' ')}
                  </td>
                  <td>
                    {u.status}{' '}
                    {canEdit && u.status === 'active' && (
                      <ConfirmButton
                        className="link"
                        title={`Disable ${u.email}?`}
                        confirmLabel="Disable"
                        details={
                          <p>
                            {u.email} loses access to the portal from their next request and cannot
                            sign in until enabled again.
                          </p>
                        }
                        onConfirm={() => update.mutate({ id: u.id, status: 'disabled' })}
                      >
                        Disable
                      </ConfirmButton>
                    )}
                    {canEdit && u.status !== 'active' && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => update.mutate({ id: u.id, status: 'active' })}
                      >
                        Enable
                      </button>
                    )}
                  </td>
                  <td>{formatDate(u.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
