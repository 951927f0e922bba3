import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { throttlesApi, type Throttle } from '../api/security';
import { ConfirmButton } from '../ui/confirm-button';
import { ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';

const limitText = (t: Throttle) =>
  [
    t.requestsPerMinute !== null && `${t.requestsPerMinute} requests/min`,
    t.tokensPerMinute !== null && `${t.tokensPerMinute} tokens/min`,
  ]
    .filter(Boolean)
    .join(', ') || 'limits changed';

/** The throttles the gateway applies to this organisation now, each with a Lift action (reason required). */
export function ThrottleState({
  orgId,
  keyNames = {},
}: {
  orgId: string;
  keyNames?: Record<string, string>;
}) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const list = useQuery({
    queryKey: ['throttles', orgId],
    queryFn: () => throttlesApi.list(orgId),
  });
  const lift = useMutation({
    mutationFn: (apiKeyId: string | null) => throttlesApi.lift(orgId, apiKeyId, reason.trim()),
    onSuccess: () => {
      setReason('');
      void client.invalidateQueries({ queryKey: ['throttles', orgId] });
    },
  });
  const scope = (t: Throttle) =>
    t.apiKeyId ? `key ${keyNames[t.apiKeyId] ?? t.apiKeyId.slice(0, 8)}` : 'whole organisation';
  return (
    <QueryView query={list} what="the throttles">
      {(throttles) =>
        throttles.length === 0 ? (
          <p role="status">
            <span className="tag good">not throttled</span>
          </p>
        ) : (
          <div className="stack" aria-label="Current throttles" role="group">
            <ul>
              {throttles.map((t) => (
                <li key={t.apiKeyId ?? 'organization'}>
                  <span className="tag warn">throttled</span> {scope(t)}: {limitText(t)} since{' '}
                  {formatDateTime(t.createdAt)} (“{t.reason}”){' '}
                  <ConfirmButton
                    className="secondary small"
                    disabled={reason.trim().length < 10 || lift.isPending}
                    aria-label={`Lift throttle on ${scope(t)}`}
                    title={`Lift the throttle on ${scope(t)}?`}
                    details={
                      <>
                        <p>The gateway goes back to its default limits for {scope(t)}.</p>
                        <p>
                          Reason recorded in the audit log: <q>{reason.trim()}</q>
                        </p>
                      </>
                    }
                    onConfirm={() => lift.mutate(t.apiKeyId)}
                  >
                    Lift
                  </ConfirmButton>
                </li>
              ))}
            </ul>
            <label>
              Reason for lifting (at least 10 characters)
              <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
            </label>
            {lift.isSuccess && <Notice>Throttle lifted.</Notice>}
            <ErrorBox error={lift.error} what="the throttle" />
          </div>
        )
      }
    </QueryView>
  );
}
