import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { Empty, ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDateTime, formatMicrosExact } from '../ui/format';

type Settings = View<'BudgetAlertSettingsView'>;

/** Alerts at 50/80/100 % of each monthly cap: the admins get e-mail; a signed webhook is optional. */
export function BudgetAlertsCard({ orgId }: { orgId: string }) {
  const client = useQueryClient();
  const path = `/organizations/${orgId}/budget-alerts`;
  const settings = useQuery({
    queryKey: ['budget-alerts', orgId],
    queryFn: () => api.get<Settings>(path),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ['budget-alerts', orgId] });
  const [url, setUrl] = useState('');
  const save = useMutation({
    mutationFn: () => api.put<View<'BudgetWebhookView'>>(`${path}/webhook`, { url }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => api.del(`${path}/webhook`), onSuccess: refresh });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }
  return (
    <section className="card stack" aria-label="Budget alerts">
      <h2>Budget alerts</h2>
      <p>
        When spend reaches 50 %, 80 % and 100 % of a monthly cap set above, every admin of the
        organisation gets an e-mail, once per threshold and month. A webhook can get them too: its
        body is signed (header <code>Velvet-Signature: t=…,v1=HMAC-SHA256(secret, t.body)</code>)
        and retried with backoff until it answers 2xx.
      </p>
      <QueryView query={settings} what="the budget alert settings">
        {(s) => (
          <>
            <p>
              Webhook: {s.webhookUrl ? <code>{s.webhookUrl}</code> : 'none'}{' '}
              {s.webhookUrl && (
                <button type="button" className="link" onClick={() => remove.mutate()}>
                  Remove webhook
                </button>
              )}
            </p>
            <form onSubmit={submit} className="row" aria-label="Budget webhook">
              <label>
                Webhook URL
                <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
              </label>
              <button type="submit" disabled={save.isPending}>
                Save webhook
              </button>
            </form>
            {save.data?.webhookSecret && (
              <Notice>
                Signing secret (shown once, copy it now): <code>{save.data.webhookSecret}</code>
              </Notice>
            )}
            <ErrorBox error={save.error ?? remove.error} />
            {s.recent.length === 0 ? (
              <Empty>No budget alert yet.</Empty>
            ) : (
              <table>
                <caption>Recent budget alerts</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Scope</th>
                    <th scope="col">Threshold</th>
                    <th scope="col">Spent of cap</th>
                    <th scope="col">Delivered</th>
                  </tr>
                </thead>
                <tbody>
                  {s.recent.map((a) => (
                    <tr key={a.id}>
                      <td>{formatDateTime(a.createdAt)}</td>
                      <td>
                        {a.scope === 'organization'
                          ? 'Organisation'
                          : `${a.scope === 'team' ? 'Team' : 'Key'} ${a.scopeId.slice(0, 8)}`}
                      </td>
                      <td>{a.threshold} %</td>
                      <td>
                        {formatMicrosExact(a.spentMicros)} of {formatMicrosExact(a.capMicros)}
                      </td>
                      <td>
                        {a.emailedAt ? 'e-mail' : 'e-mail pending'},{' '}
                        {a.webhookDeliveredAt ? 'webhook' : 'webhook pending'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
