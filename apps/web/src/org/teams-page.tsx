import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { useOrgId } from '../auth/auth-context';
import { Empty, ErrorBox, QueryView } from '../ui/feedback';
import { formatMicrosExact } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { BudgetAlertsCard } from './budget-alerts-card';
import { KeySettingsTable } from './key-settings-table';
import { LimitForm } from './limit-form';
import { ScimGroupsCard } from './scim-groups-card';

export type Team = View<'TeamView'>;
type LimitsOverview = View<'LimitsOverviewView'>;

/** Teams, and the limits the org admin sets per organisation, team and key (the gateway enforces the lowest). */
export function TeamsPage() {
  const orgId = useOrgId();
  const client = useQueryClient();
  const base = `/organizations/${orgId}`;
  const teams = useQuery({
    queryKey: ['teams', orgId],
    queryFn: () => api.get<Team[]>(`${base}/teams`),
  });
  const limits = useQuery({
    queryKey: ['limits', orgId],
    queryFn: () => api.get<LimitsOverview>(`${base}/limits`),
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['teams', orgId] });
    void client.invalidateQueries({ queryKey: ['limits', orgId] });
    void client.invalidateQueries({ queryKey: ['api-keys', orgId] });
  };
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => api.post<Team>(`${base}/teams`, { name }),
    onSuccess: () => {
      setName('');
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.del(`${base}/teams/${id}`),
    onSuccess: refresh,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate();
  }

  return (
    <>
      <PageTitle>Teams and limits</PageTitle>
      <section className="card stack" aria-label="Teams">
        <h2>Teams</h2>
        <form onSubmit={submit} className="row" aria-label="New team">
          <label>
            Team name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={100}
            />
          </label>
          <button type="submit" disabled={create.isPending}>
            Create team
          </button>
        </form>
        <ErrorBox error={create.error ?? remove.error} />
        <QueryView query={teams} what="the teams">
          {(list) =>
            list.length === 0 ? (
              <Empty>No team yet.</Empty>
            ) : (
              <ul>
                {list.map((t) => (
                  <li key={t.id}>
                    {t.name}{' '}
                    <button type="button" className="link" onClick={() => remove.mutate(t.id)}>
                      Delete {t.name}
                    </button>
                  </li>
                ))}
              </ul>
            )
          }
        </QueryView>
      </section>
      <section className="card stack" aria-label="Limits">
        <h2>Limits</h2>
        <QueryView query={limits} what="the limits">
          {(l) => (
            <>
              <p>
                Calls are refused at the first limit reached: organisation, then team, then key.
                Your provider allows at most {l.ceiling.requestsPerMinute ?? 'the default'} requests
                and {l.ceiling.tokensPerMinute ?? 'the default'} tokens per minute, and a monthly
                cap of{' '}
                {l.ceiling.spendCapMicros
                  ? formatMicrosExact(l.ceiling.spendCapMicros)
                  : 'no fixed amount'}
                .
              </p>
              <LimitForm
                key="organization"
                label="Organisation"
                path={`${base}/limits/organization`}
                current={l.organization}
                onSaved={refresh}
              />
              {(teams.data ?? []).map((t) => {
                const row = l.teams.find((r) => r.teamId === t.id) ?? null;
                return (
                  <LimitForm
                    key={`t-${t.id}`}
                    label={`Team ${t.name}`}
                    path={`${base}/limits/teams/${t.id}`}
                    current={row}
                    onSaved={refresh}
                  />
                );
              })}
              <KeySettingsTable
                orgId={orgId}
                teams={teams.data ?? []}
                keyLimits={l.apiKeys}
                onSaved={refresh}
              />
            </>
          )}
        </QueryView>
      </section>
      <BudgetAlertsCard orgId={orgId} />
      <ScimGroupsCard orgId={orgId} teams={teams.data ?? []} />
    </>
  );
}
