import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Role, User } from '../api/types';
import { useSession } from '../auth/auth-context';
import { Empty, ErrorBox, QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';
import { PageTitle } from '../ui/layout';

const STAFF_ROLES: { value: Role; label: string }[] = [
  { value: 'account_manager', label: 'Account manager' },
  { value: 'security_reviewer', label: 'Security reviewer' },
  { value: 'platform_admin', label: 'Platform admin' },
];

export function StaffPage() {
  const client = useQueryClient();
  const { me } = useSession();
  const staff = useQuery({ queryKey: ['staff'], queryFn: () => api.get<User[]>('/staff') });
  const [form, setForm] = useState({
    email: '',
    displayName: '',
    password: '',
    role: 'account_manager' as Role,
  });
  const create = useMutation({
    mutationFn: () => api.post<User>('/staff', form),
    onSuccess: () => {
      setForm({ email: '', displayName: '', password: '', role: 'account_manager' });
      void client.invalidateQueries({ queryKey: ['staff'] });
    },
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; status?: string }) =>
      api.patch<User>(`/staff/${id}`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: ['staff'] }),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

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
      <ErrorBox error={update.error} />
      <QueryView query={staff}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No staff accounts.</Empty>
          ) : (
            <table>
              <caption className="sr-only">Staff accounts</caption>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {list.map((u) => (
                  <tr key={u.id}>
                    <td>{u.displayName}</td>
                    <td>{u.email}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        disabled={u.id === me?.user.id || update.isPending}
                        onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                      >
                        {STAFF_ROLES.map((r) => (
                          <option key={r.value} value={r.value}>
                            {r.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      {u.status}{' '}
                      {u.id !== me?.user.id && (
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
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </>
  );
}
