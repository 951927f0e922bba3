import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { Empty, ErrorBox, QueryView } from '../ui/feedback';
import type { Team } from './teams-page';

type ScimGroup = View<'ScimGroupView'>;

/** SCIM groups pushed by the identity provider; the admin picks the team each group's members belong to. */
export function ScimGroupsCard({ orgId, teams }: { orgId: string; teams: Team[] }) {
  const client = useQueryClient();
  const path = `/organizations/${orgId}/scim-groups`;
  const groups = useQuery({
    queryKey: ['scim-groups', orgId],
    queryFn: () => api.get<ScimGroup[]>(path),
  });
  const map = useMutation({
    mutationFn: ({ groupId, teamId }: { groupId: string; teamId: string | null }) =>
      api.put<ScimGroup>(`${path}/${groupId}/team`, { teamId }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['scim-groups', orgId] }),
  });
  return (
    <section className="card stack" aria-label="Directory groups">
      <h2>Directory groups (SCIM)</h2>
      <p>
        Groups your identity provider pushes over SCIM. Choose a team for a group: its active
        members belong to that team, and follow the group as the provider adds, removes or
        deactivates them.
      </p>
      <QueryView query={groups} what="the directory groups">
        {(list) =>
          list.length === 0 ? (
            <Empty>No group has been pushed yet.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Group</th>
                  <th>Members</th>
                  <th>Team</th>
                </tr>
              </thead>
              <tbody>
                {list.map((g) => (
                  <tr key={g.id}>
                    <td>{g.displayName}</td>
                    <td>{g.members.map((m) => m.email).join(', ') || '—'}</td>
                    <td>
                      <select
                        aria-label={`Team of group ${g.displayName}`}
                        value={g.teamId ?? ''}
                        disabled={map.isPending}
                        onChange={(e) =>
                          map.mutate({ groupId: g.id, teamId: e.target.value || null })
                        }
                      >
                        <option value="">(no team)</option>
                        {teams.map((t) => (
                          <option key={t.id} value={t.id}>
                            {t.name}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
      <ErrorBox error={map.error} />
    </section>
  );
}
