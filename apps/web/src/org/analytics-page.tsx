import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usageApi, type UsageGranularity, type UsageGroupBy, type UsageParams } from '../api/usage';
import { Can, useOrgId } from '../auth/auth-context';
import { QueryView } from '../ui/feedback';
import { downloadBlob } from '../ui/download';
import { PageTitle } from '../ui/layout';
import { type Measure, UsageChart } from './analytics-chart';
import { AnalyticsStatements } from './analytics-statements';
import { BreakdownTable, PointsTable, RefusalsTable, UsageTotals } from './analytics-tables';

const DAY_MS = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Usage analytics: a range of UTC days, per day or hour, by model, key or team; totals, refusals, CSV, statements. */
export function AnalyticsPage() {
  const orgId = useOrgId();
  const [params, setParams] = useState<UsageParams>({
    from: isoDay(Date.now() - 29 * DAY_MS),
    to: isoDay(Date.now()),
    granularity: 'day',
    groupBy: 'none',
  });
  const [measure, setMeasure] = useState<Measure>('cost');
  const [exporting, setExporting] = useState<string | null>(null);
  const set = (patch: Partial<UsageParams>) => setParams((p) => ({ ...p, ...patch }));
  const report = useQuery({
    queryKey: ['usage', orgId, params],
    queryFn: () => usageApi.report(orgId, params),
  });
  const breakdown = useQuery({
    queryKey: ['usage-breakdown', orgId, params.from, params.to],
    queryFn: () => usageApi.breakdown(orgId, params),
  });
  const exportCsv = async () => {
    setExporting('Preparing the CSV…');
    try {
      const { filename, blob } = await usageApi.csv(orgId, params);
      downloadBlob(blob, filename);
      setExporting(null);
    } catch (e) {
      setExporting(`The export failed: ${(e as Error).message}`);
    }
  };
  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="secondary" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        }
      >
        Usage analytics
      </PageTitle>
      {exporting && <p role="status">{exporting}</p>}
      <form className="card row" aria-label="Range" onSubmit={(e) => e.preventDefault()}>
        <label className="inline">
          From
          <input
            type="date"
            value={params.from}
            max={params.to}
            onChange={(e) => e.target.value && set({ from: e.target.value })}
          />
        </label>
        <label className="inline">
          To
          <input
            type="date"
            value={params.to}
            min={params.from}
            onChange={(e) => e.target.value && set({ to: e.target.value })}
          />
        </label>
        <label className="inline">
          Points per
          <select
            value={params.granularity}
            onChange={(e) => set({ granularity: e.target.value as UsageGranularity })}
          >
            <option value="day">day</option>
            <option value="hour">hour (up to 14 days)</option>
          </select>
        </label>
        <label className="inline">
          Group by
          <select
            value={params.groupBy}
            onChange={(e) => set({ groupBy: e.target.value as UsageGroupBy })}
          >
            <option value="none">nothing</option>
            <option value="model">model</option>
            <option value="key">API key</option>
            <option value="team">team</option>
          </select>
        </label>
        <label className="inline">
          Chart
          <select value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
            <option value="cost">cost</option>
            <option value="requests">requests</option>
            <option value="tokens">tokens</option>
            <option value="refusals">refusals</option>
          </select>
        </label>
      </form>
      <QueryView query={report} what="the usage report">
        {(r) => (
          <>
            <UsageTotals report={r} />
            <section className="card" aria-label="Usage over time">
              <h2>
                {measure[0].toUpperCase() + measure.slice(1)} per {r.granularity} (UTC)
              </h2>
              <UsageChart report={r} measure={measure} />
              <PointsTable points={r.points} grouped={r.groupBy !== 'none'} />
            </section>
            <section className="card" aria-label="Refusals">
              <h2>Refused calls by reason</h2>
              <RefusalsTable report={r} />
            </section>
          </>
        )}
      </QueryView>
      <section className="card" aria-label="By model and key">
        <h2>By model and API key</h2>
        <QueryView query={breakdown} what="the breakdown">
          {(lines) => <BreakdownTable lines={lines} />}
        </QueryView>
      </section>
      <Can I="read" a="Statement">
        <AnalyticsStatements orgId={orgId} />
      </Can>
    </>
  );
}
