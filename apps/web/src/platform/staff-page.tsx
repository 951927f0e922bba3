import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent } from 'react';
import { api } from '../api/client';
import type { Role, User } from '../api/types';
import { useSession } from '../auth/auth-context';
import { Empty, ErrorBox, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { useFormFields } from '../ui/use-form-fields';
import { UsersTable, type RoleOption } from '../ui/users-table';

const STAFF_ROLES: RoleOption[] = [
  { value: 'account_manager', label: 'Account manager' },
  { value: 'security_reviewer', label: 'Security reviewer' },
  { value: 'platform_admin', label: 'Platform admin' },
];

export function StaffPage() {
  const client = useQueryClient();
  const { me } = useSession();
  const staff = useQuery({ queryKey: ['staff'], queryFn: () => api.get<User[]>('/staff') });
  const {
    values: form,
    field: set,
    reset,
  } = useFormFields({ email: '', displayName: '', password: '', role: 'account_manager' as Role });
  const create = useMutation({
    mutationFn: () => api.post<User>('/staff', form),
    onSuccess: () => {
      reset();
      void client.invalidateQueries({ queryKey: ['staff'] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <>
      <PageTitle>Staff accounts</PageTitle>
      <form onSubmit={submit} className="card row" aria-label="Create staff account">
        <label>
          Name
          <input value={form.displayName} onChange={set('displayName')} required />
        </label>
        <label>
          Email
          <input type="email" value={form.email} onChange={set('email')} required />
        </label>
        <label>
          Initial password
          <input
            type="password"
            value={form.password}
            onChange={set('password')}
            minLength={12}
            required
            autoComplete="new-password"
          />
        </label>
        <label>
          Role
          <select aria-label="Role" value={form.role} onChange={set('role')}>
            {STAFF_ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          Create staff account
        </button>
      </form>
      <ErrorBox error={create.error} />
      <QueryView query={staff}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No staff accounts.</Empty>
          ) : (
            <UsersTable
              users={list}
              caption="Staff accounts"
              createdHeader="Created"
              roles={STAFF_ROLES}
              userPath={(id) => `/staff/${id}`}
              queryKey={['staff']}
              editable={(u) => u.id !== me?.user.id}
              lockedRoleAs="select"
            />
          )
        }
      </QueryView>
    </>
  );
}
