import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { View } from '../api/wire';
import { contractsApi, type SpendPoint } from '../api/contracts';
import { statementsApi } from '../api/statements';
import { Can, useOrgId } from '../auth/auth-context';
import { Empty, QueryView } from '../ui/feedback';
import { downloadText, toCsv } from '../ui/download';
import { formatDate, formatMicros } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { useSortable } from '../ui/sortable';
import { fillDays } from './spend-days';
import { SpendChart } from './spend-chart';

type BreakdownRow = View<'SpendBreakdownRowView'>;

const RANGES = [7, 30, 90, 366] as const;
const sum = (values: string[]) => values.reduce((a, v) => a + BigInt(v), 0n).toString();

/** Spend over a chosen range: totals, a daily table and chart, breakdown by model and key, CSV, statements. */
export function SpendPage() {
  const orgId = useOrgId();
  const [days, setDays] = useState<number>(30);
  const daily = useQuery({
    queryKey: ['spend', orgId, days],
    queryFn: () => contractsApi.spend(orgId, days),
  });
  const breakdown = useQuery({
    queryKey: ['spend-breakdown', orgId, days],
    queryFn: () => api.get<BreakdownRow[]>(`/organizations/${orgId}/spend/breakdown`, { days }),
  });
  return (
    <>
      <PageTitle
        actions={
          <label className="inline">
            Range
            <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
              {RANGES.map((d) => (
                <option key={d} value={d}>
                  last {d} days
                </option>
              ))}
            </select>
          </label>
        }
      >
        Spend
      </PageTitle>
      <QueryView query={daily} what="the daily spend">
        {(points) => <DailySpend points={fillDays(points, days)} days={days} />}
      </QueryView>
      <QueryView query={breakdown} what="the spend breakdown">
        {(rows) => <Breakdown rows={rows} days={days} />}
      </QueryView>
      <Can I="read" a="Statement">
        <Statements orgId={orgId} />
      </Can>
    </>
  );
}

function DailySpend({ points, days }: { points: SpendPoint[]; days: number }) {
  const total = sum(points.map((p) => p.costMicros));
  const premium = sum(points.map((p) => p.premiumCostMicros ?? '0'));
  const standard = (BigInt(total) - BigInt(premium)).toString();
  const csv = () =>
    downloadText(
      `spend-daily-${days}d.csv`,
      toCsv(
        ['day', 'total_usd_micros', 'premium_usd_micros'],
        points.map((p) => [p.day, p.costMicros, p.premiumCostMicros ?? '0']),
      ),
    );
  return (
    <>
      <section className="grid" aria-label="Totals">
        <div className="card">
          <div className="muted">Total, last {days} days</div>
          <div className="stat">{formatMicros(total)}</div>
        </div>
        <div className="card">
          <div className="muted">Premium tiers</div>
          <div className="stat">{formatMicros(premium)}</div>
        </div>
        <div className="card">
          <div className="muted">Standard tiers</div>
          <div className="stat">{formatMicros(standard)}</div>
        </div>
      </section>
      <section className="card" aria-label="Daily spend">
        <div className="page-title">
          <h2>Daily spend (UTC)</h2>
          <button type="button" className="secondary" onClick={csv}>
            Export daily CSV
          </button>
        </div>
        <SpendChart points={points} title={`Daily spend, last ${days} days`} />
        <details>
          <summary>Every day as a table</summary>
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption className="sr-only">Daily spend</caption>
              <thead>
                <tr>
                  <th>Day</th>
                  <th className="num">Total</th>
                  <th className="num">Premium</th>
                </tr>
              </thead>
              <tbody>
                {[...points].reverse().map((p) => (
                  <tr key={p.day}>
                    <td>{p.day}</td>
                    <td className="num">{formatMicros(p.costMicros)}</td>
                    <td className="num">{formatMicros(p.premiumCostMicros ?? '0')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
    </>
  );
}

function Breakdown({ rows, days }: { rows: BreakdownRow[]; days: number }) {
  const { sorted, header } = useSortable(
    rows,
    {
      model: (r) => r.modelSlug ?? '',
      key: (r) => r.apiKeyName ?? r.apiKeyId,
      calls: (r) => r.calls,
      tokens: (r) => BigInt(r.inputTokens) + BigInt(r.outputTokens),
      cost: (r) => BigInt(r.costMicros),
    },
    { by: 'cost', dir: 'descending' },
  );
  const csv = () =>
    downloadText(
      `spend-by-model-and-key-${days}d.csv`,
      toCsv(
        ['model', 'tier', 'api_key', 'calls', 'input_tokens', 'output_tokens', 'cost_usd_micros'],
        rows.map((r) => [
          r.modelSlug ?? '',
          r.tier,
          r.apiKeyName ?? r.apiKeyId,
          String(r.calls),
          r.inputTokens,
          r.outputTokens,
          r.costMicros,
        ]),
      ),
    );
  return (
    <section className="card" aria-label="Spend by model and key">
      <div className="page-title">
        <h2>By model and API key</h2>
        <button type="button" className="secondary" onClick={csv} disabled={!rows.length}>
          Export breakdown CSV
        </button>
      </div>
      {rows.length === 0 ? (
        <Empty>No calls in this range.</Empty>
      ) : (
        <div className="table-scroll" tabIndex={0}>
          <table>
            <caption className="sr-only">Spend by model and API key</caption>
            <thead>
              <tr>
                {header('model', 'Model')}
                {header('key', 'API key')}
                {header('calls', 'Calls', 'num')}
                {header('tokens', 'Tokens in / out', 'num')}
                {header('cost', 'Spend', 'num')}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={`${r.modelSlug}-${r.apiKeyId}`}>
                  <td>
                    {r.modelSlug ?? 'unknown model'} <span className="muted">({r.tier})</span>
                  </td>
                  <td>{r.apiKeyName ?? r.apiKeyId.slice(0, 8)}</td>
                  <td className="num">{r.calls}</td>
                  <td className="num">
                    {r.inputTokens} / {r.outputTokens}
                  </td>
                  <td className="num">{formatMicros(r.costMicros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Every commitment period of every contract, closed and open: spend against the minimum, shortfall. */
function Statements({ orgId }: { orgId: string }) {
  const statements = useQuery({
    queryKey: ['all-statements', orgId],
    queryFn: async () => {
      const contracts = await contractsApi.listForOrg(orgId);
      const withTerms = contracts.items.filter((c) =>
        ['active', 'expired', 'terminated'].includes(c.status),
      );
      return Promise.all(
        withTerms.map(async (c) => ({ contract: c, ...(await statementsApi.forContract(c.id)) })),
      );
    },
  });
  return (
    <section className="card" aria-label="Statements">
      <h2>Statements</h2>
      <QueryView query={statements} what="the statements">
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No contract has a commitment period yet.</p>
          ) : (
            <div className="table-scroll" tabIndex={0}>
              <table>
                <caption className="sr-only">Commitment periods of every contract</caption>
                <thead>
                  <tr>
                    <th>Contract</th>
                    <th>Period</th>
                    <th>State</th>
                    <th className="num">Minimum</th>
                    <th className="num">Spent</th>
                    <th className="num">Shortfall</th>
                  </tr>
                </thead>
                <tbody>
                  {list.flatMap(({ contract, periods }) =>
                    periods.map((p) => (
                      <tr key={`${contract.id}-${p.index}`}>
                        <td>{contract.tier}</td>
                        <td>
                          {formatDate(p.start)} – {formatDate(p.end)}
                        </td>
                        <td>{p.state}</td>
                        <td className="num">{formatMicros(p.minimumMicros)}</td>
                        <td className="num">{formatMicros(p.spentMicros)}</td>
                        <td className="num">{formatMicros(p.shortfallMicros)}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
