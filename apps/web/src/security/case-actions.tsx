import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { securityApi, type AlertCase } from '../api/security';
import { ConfirmButton } from '../ui/confirm-button';
import { ErrorBox, Notice } from '../ui/feedback';
import { ReasonField } from '../ui/reason-field';

type Act = 'acknowledge' | 'escalate' | 'dismiss' | 'resolve' | 'suspend' | 'restore' | 'throttle';

/** What a reviewer can do to a case; every action needs a reason, which goes to the audit log. */
export function CaseActions({
  alert,
  keyNames,
}: {
  alert: AlertCase;
  keyNames: Record<string, string>;
}) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [rpm, setRpm] = useState('10');
  const [keyId, setKeyId] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: async (what: Act) => {
      if (what === 'throttle')
        await securityApi.throttle(alert.id, {
          apiKeyId: keyId || undefined,
          requestsPerMinute: Number(rpm),
          reason,
        });
      else await securityApi.act(alert.id, what, reason);
      return what;
    },
    onSuccess: (what) => {
      setDone(`Done: ${what}.`);
      setReason('');
      void client.invalidateQueries({ queryKey: ['alert-case', alert.id] });
      void client.invalidateQueries({ queryKey: ['alert-cases'] });
      void client.invalidateQueries({ queryKey: ['suspensions', alert.organizationId] });
      void client.invalidateQueries({ queryKey: ['throttles', alert.organizationId] });
    },
  });
  // Suspend is offered only while premium is on, Restore only while it is suspended
  const suspensions = useQuery({
    queryKey: ['suspensions', alert.organizationId],
    queryFn: () => securityApi.suspensions(alert.organizationId),
  });
  const suspended = (suspensions.data ?? []).some((s) => !s.restoredAt);
  const confirm = (what: Act, label: string, title: string, effect: string, cls = 'danger') => (
    <ConfirmButton
      className={cls}
      disabled={act.isPending || noReason}
      title={title}
      details={
        <>
          <p>{effect}</p>
          <p>
            Reason recorded in the audit log: <q>{reason.trim()}</q>
          </p>
        </>
      }
      onConfirm={() => act.mutate(what)}
    >
      {label}
    </ConfirmButton>
  );
  const live = ['open', 'acknowledged', 'escalated'].includes(alert.status);
  const noReason = !reason.trim();
  const button = (what: Act, label: string, cls = 'secondary', disabled = false) => (
    <button
      type="button"
      className={cls}
      disabled={act.isPending || noReason || disabled}
      onClick={() => act.mutate(what)}
    >
      {label}
    </button>
  );
  return (
    <section className="card stack" aria-label="Case actions">
      <h2>Actions</h2>
      <ReasonField
        label="Reason (at least 10 characters; recorded in the audit log)"
        value={reason}
        onChange={setReason}
      />
      <div className="row">
        {button('acknowledge', 'Acknowledge', 'secondary', alert.status !== 'open')}
        {button(
          'escalate',
          'Escalate',
          'secondary',
          !['open', 'acknowledged'].includes(alert.status),
        )}
        {button('dismiss', 'Dismiss', 'secondary', !live)}
        {button('resolve', 'Resolve', 'secondary', !live)}
      </div>
      <div className="row">
        <label>
          Throttle
          <select
            aria-label="Throttle scope"
            value={keyId}
            onChange={(e) => setKeyId(e.target.value)}
          >
            <option value="">whole organisation</option>
            {alert.flaggedKeys.map((k) => (
              <option key={k.apiKeyId} value={k.apiKeyId}>
                key {keyNames[k.apiKeyId] ?? k.apiKeyId.slice(0, 8)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Requests per minute
          <input
            type="number"
            min={1}
            max={100000}
            value={rpm}
            onChange={(e) => setRpm(e.target.value)}
          />
        </label>
        {confirm(
          'throttle',
          'Throttle',
          'Throttle this traffic?',
          `${keyId ? `Key ${keyNames[keyId] ?? keyId.slice(0, 8)}` : 'The whole organisation'} will be held to ${rpm} requests per minute at the gateway.`,
          'secondary',
        )}
      </div>
      {suspensions.isSuccess && (
        <div className="row">
          {suspended
            ? confirm(
                'restore',
                'Restore premium access',
                'Restore premium access?',
                'The organisation’s premium models unlock again as soon as the gateways hear of it.',
                'secondary',
              )
            : confirm(
                'suspend',
                'Suspend premium access',
                'Suspend premium access?',
                'Every premium call of this organisation is refused until someone restores it.',
              )}
        </div>
      )}
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={act.error} />
    </section>
  );
}
