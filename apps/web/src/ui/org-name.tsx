import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Organization } from '../api/types';

export const useOrganization = (id: string | null | undefined) =>
  useQuery({
    queryKey: ['org', id],
    queryFn: () => api.get<Organization>(`/organizations/${id}`),
    enabled: Boolean(id),
    staleTime: 60_000,
  });

/** An organisation's name (staff views list ids; the name is fetched once and cached). */
export function OrgName({ id }: { id: string }) {
  const org = useOrganization(id);
  return <>{org.data?.name ?? id.slice(0, 8)}</>;
}
