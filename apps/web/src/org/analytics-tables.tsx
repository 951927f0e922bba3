import type { UsageBreakdownLine, UsagePoint, UsageReport } from '../api/usage';
import { Empty } from '../ui/feedback';
import { formatMicros } from '../ui/format';

const n = (v: number | string) => BigInt(v).toLocaleString('en-US');

/** Totals of the range, as figures (not a chart). */
export function UsageTotals({ report }: { report: UsageReport }) {
  const t = report.totals[0];
  if (!t)
    return (
      <Empty>
        No usage from {report.from} to {report.to}.
      </Empty>
    );
  const cards: [string, string][] = [
    ['Requests', n(t.requests)],
    ['Input tokens', n(t.inputTokens)],
    ['Output tokens', n(t.outputTokens)],
    ['Cost', formatMicros(t.costMicros, t.currency)],
    ['Failed (not billed)', n(t.failed)],
    ['Refused', n(t.refusals)],
  ];
  return (
    <section className="grid" aria-label="Usage totals">
      {cards.map(([label, value]) => (
        <div className="card" key={label}>
          <div className="muted">{label}</div>
          <div className="stat" data-figure={label}>
            {value}
          </div>
        </div>
      ))}
    </section>
  );
}

/** Every point of the chart as a row: the values the bars stand for, readable without a pointer. */
export function PointsTable({ points, grouped }: { points: UsagePoint[]; grouped: boolean }) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table aria-label="Usage per period">
        <thead>
          <tr>
            <th>Period (UTC)</th>
            {grouped && <th>Group</th>}
            <th className="num">Requests</th>
            <th className="num">Input tokens</th>
            <th className="num">Output tokens</th>
            <th className="num">Cost</th>
            <th className="num">Refused</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={`${p.bucket}-${p.groupId}-${p.currency}-${i}`}>
              <td>{p.bucket.replace('T', ' ').replace(':00.000Z', '')}</td>
              {grouped && <td>{p.groupLabel ?? p.groupId ?? '(none)'}</td>}
              <td className="num">{n(p.requests)}</td>
              <td className="num">{n(p.inputTokens)}</td>
              <td className="num">{n(p.outputTokens)}</td>
              <td className="num">{formatMicros(p.costMicros, p.currency)}</td>
              <td className="num">{n(p.refusals)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RefusalsTable({ report }: { report: UsageReport }) {
  if (report.refusalsByReason.length === 0)
    return <p className="muted">No refused calls recorded in this range.</p>;
  return (
    <div className="table-scroll" tabIndex={0}>
      <table aria-label="Refusals by reason">
        <thead>
          <tr>
            <th>Reason</th>
            <th className="num">Refused calls</th>
          </tr>
        </thead>
        <tbody>
          {report.refusalsByReason.map((r) => (
            <tr key={r.reason}>
              <td>
                <code>{r.reason}</code>
              </td>
              <td className="num">{n(r.refusals)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function BreakdownTable({ lines }: { lines: UsageBreakdownLine[] }) {
  if (lines.length === 0) return <Empty>No usage in this range.</Empty>;
  return (
    <div className="table-scroll" tabIndex={0}>
      <table aria-label="Usage by model and key">
        <thead>
          <tr>
            <th>Model</th>
            <th>API key</th>
            <th>Team</th>
            <th className="num">Requests</th>
            <th className="num">Input tokens</th>
            <th className="num">Output tokens</th>
            <th className="num">Cost</th>
            <th className="num">Refused</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.modelId}-${l.apiKeyId}-${l.teamId}-${l.currency}`}>
              <td>{l.modelSlug ?? '(unknown model)'}</td>
              <td>{l.apiKeyName ?? '(unknown key)'}</td>
              <td>{l.teamName ?? (l.teamId ? '(deleted team)' : '—')}</td>
              <td className="num">{n(l.requests)}</td>
              <td className="num">{n(l.inputTokens)}</td>
              <td className="num">{n(l.outputTokens)}</td>
              <td className="num">{formatMicros(l.costMicros, l.currency)}</td>
              <td
                className="num"
                title={l.refusalsByReason.map((r) => `${r.reason}: ${r.refusals}`).join(', ')}
              >
                {n(l.refusals)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
