import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { securityApi } from '../api/security';
import { ErrorBox } from '../ui/feedback';

type RunStatus = View<'DetectionRunStatusView'>;

/** Scores the last window now instead of waiting for the scheduled run; reports what it found. */
export function RunDetection() {
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: async () => {
      const { jobId } = await securityApi.runDetection();
      for (let i = 0; i < 120; i++) {
        const s = await api.get<RunStatus>(`/security/detection/runs/${encodeURIComponent(jobId)}`);
        if (s.state === 'completed') return s;
        if (s.state === 'failed')
          throw new Error(`Detection run failed: ${s.failedReason ?? 'unknown reason'}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error('Detection run still queued; results will appear when it completes');
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['alert-cases'] }),
  });
  return (
    <span className="row">
      <button
        type="button"
        className="secondary"
        onClick={() => run.mutate()}
        disabled={run.isPending}
      >
        {run.isPending ? 'Running detection…' : 'Run detection now'}
      </button>
      {run.data && (
        <span role="status">
          Scored {run.data.result?.organizations ?? 0} organisation(s):{' '}
          {run.data.result?.casesOpened ?? 0} case(s) opened, {run.data.result?.casesRefreshed ?? 0}{' '}
          refreshed.
        </span>
      )}
      <ErrorBox error={run.error} />
    </span>
  );
}
