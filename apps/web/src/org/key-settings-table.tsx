import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ApiKey } from '../api/types';
import type { View } from '../api/wire';
import type { CatalogModel } from '../api/catalog';
import { Notice, ErrorBox, QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { LimitForm } from './limit-form';
import type { Team } from './teams-page';

type KeyRow = ApiKey;
type Model = CatalogModel;

/** Per key: its team, model allow-list, limits, and secret rotation (the old secret works a day more). */
export function KeySettingsTable({
  orgId,
  teams,
  keyLimits,
  onSaved,
}: {
  orgId: string;
  teams: Team[];
  keyLimits: View<'CustomerLimitView'>[];
  onSaved: () => void;
}) {
  const base = `/organizations/${orgId}/api-keys`;
  const keys = useQuery({ queryKey: ['api-keys', orgId], queryFn: () => api.get<KeyRow[]>(base) });
  const models = useQuery({
    queryKey: ['catalog-models'],
    queryFn: () => api.get<Model[]>('/catalog/models'),
  });
  const update = useMutation({
    mutationFn: (v: { id: string; body: object }) => api.patch(`${base}/${v.id}`, v.body),
    onSuccess: onSaved,
  });
  const rotate = useMutation({
    mutationFn: (id: string) => api.post<KeyRow & { key: string }>(`${base}/${id}/rotate`, {}),
    onSuccess: onSaved,
  });
  return (
    <QueryView query={keys} what="the API keys">
      {(list) => (
        <div className="stack">
          <h3>API keys</h3>
          {rotate.data && (
            <Notice>
              New secret for <strong>{rotate.data.name}</strong> (shown once, copy it now):{' '}
              <code>{rotate.data.key}</code>. The previous one works until{' '}
              {formatDateTime(rotate.data.previousValidUntil)}.
            </Notice>
          )}
          <ErrorBox error={update.error ?? rotate.error} />
          {list
            .filter((k) => !k.revokedAt)
            .map((k) => {
              const row = keyLimits.find((r) => r.apiKeyId === k.id) ?? null;
              return (
                <section key={k.id} className="card stack" aria-label={`Key ${k.name}`}>
                  <div className="row">
                    <strong>
                      {k.name} <code>{k.prefix}</code>
                    </strong>
                    <label>
                      Team
                      <select
                        value={k.teamId ?? ''}
                        onChange={(e) =>
                          update.mutate({ id: k.id, body: { teamId: e.target.value || null } })
                        }
                      >
                        <option value="">No team</option>
                        {teams.map((t) => (
                          <option key={t.id} value={t.id}>
                            {t.name}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label>
                      Models allowed
                      <select
                        multiple
                        value={k.allowedModelIds ?? []}
                        onChange={(e) => {
                          const ids = [...e.target.selectedOptions].map((o) => o.value);
                          update.mutate({
                            id: k.id,
                            body: { allowedModelIds: ids.length ? ids : null },
                          });
                        }}
                      >
                        {(models.data ?? []).map((m) => (
                          <option key={m.id} value={m.id}>
                            {m.slug}
                          </option>
                        ))}
                      </select>
                    </label>
                    <span>
                      {k.allowedModelIds
                        ? `${k.allowedModelIds.length} allowed`
                        : 'All entitled models'}
                    </span>
                    <button type="button" onClick={() => rotate.mutate(k.id)}>
                      Rotate secret of {k.name}
                    </button>
                  </div>
                  <LimitForm
                    key={`k-${k.id}`}
                    label={`Key ${k.name}`}
                    path={`/organizations/${orgId}/limits/api-keys/${k.id}`}
                    current={row}
                    onSaved={onSaved}
                  />
                </section>
              );
            })}
        </div>
      )}
    </QueryView>
  );
}
