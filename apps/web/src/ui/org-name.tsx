import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import type { Organization } from '../api/types';
import type { View } from '../api/wire';
import { useAbility } from '../auth/auth-context';

export const useOrganization = (id: string | null | undefined) =>
  useQuery({
    queryKey: ['org', id],
    queryFn: () => api.get<Organization>(`/organizations/${id}`),
    enabled: Boolean(id),
    staleTime: 60_000,
  });

/** The organisations a staff member may read (the API's page maximum), for pickers. */
export const useOrganizations = () =>
  useQuery({
    queryKey: ['organizations', 'picker'],
    queryFn: () => api.get<View<'OrganizationPage'>>('/organizations', { limit: 200, offset: 0 }),
    staleTime: 60_000,
  });

/**
 * An organisation's name (staff views list ids; the name is fetched once and cached), linked to
 * the organisation's page for those who may open it. `plain` when it sits inside another link.
 */
export function OrgName({ id, plain = false }: { id: string; plain?: boolean }) {
  const org = useOrganization(id);
  const ability = useAbility();
  const name = org.data?.name ?? id.slice(0, 8);
  if (plain || !ability.can('read', 'Organization')) return <>{name}</>;
  return <Link to={`/organizations/${id}`}>{name}</Link>;
}

/** Pick an organisation by name (typed or chosen from the list); answers its id. */
export function OrgPicker({
  value,
  onChange,
  label = 'Organisation',
}: {
  value: string | undefined;
  onChange(id: string | undefined): void;
  label?: string;
}) {
  const orgs = useOrganizations();
  const items = orgs.data?.items ?? [];
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">any organisation</option>
        {[...items]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
      </select>
    </label>
  );
}
