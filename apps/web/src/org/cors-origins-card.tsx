import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Organization } from '../api/types';
import { useAbility, useOrgId } from '../auth/auth-context';
import { ErrorBox } from '../ui/feedback';

type OrganizationCors = Pick<Organization, 'corsAllowedOrigins'>;

/** The browser origins allowed to call the gateway with this organisation's keys (org admins edit them). */
export function CorsOriginsCard() {
  const orgId = useOrgId();
  const ability = useAbility();
  const client = useQueryClient();
  const org = useQuery({
    queryKey: ['organization', orgId],
    queryFn: () => api.get<OrganizationCors>(`/organizations/${orgId}`),
  });
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (origins: string[]) =>
      api.patch<OrganizationCors>(`/organizations/${orgId}`, { corsAllowedOrigins: origins }),
    onSuccess: () => {
      setDraft(null);
      void client.invalidateQueries({ queryKey: ['organization', orgId] });
    },
  });
  if (!ability.can('update', 'Organization', 'corsAllowedOrigins')) return null;
  const current = org.data?.corsAllowedOrigins.join('\n') ?? '';

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      (draft ?? current)
        .split(/[\s,]+/)
        .map((o) => o.trim())
        .filter(Boolean),
    );
  }

  return (
    <form onSubmit={submit} className="card" aria-label="Browser origins (CORS)">
      <label>
        Browser origins allowed to call the gateway (one per line, e.g. https://app.example.com)
        <textarea
          rows={3}
          value={draft ?? current}
          onChange={(e) => setDraft(e.target.value)}
          placeholder="https://app.example.com"
        />
      </label>
      <button type="submit" disabled={save.isPending || org.isPending}>
        Save origins
      </button>
      <ErrorBox error={save.error} />
    </form>
  );
}
