import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { usageApi } from '../api/usage';
import { QueryView } from '../ui/feedback';
import { formatMicros, formatMicrosExact } from '../ui/format';
import { BreakdownTable } from './analytics-tables';

/** Every commitment period of every contract with statements, past ones included, each with its usage. */
export function AnalyticsStatements({ orgId }: { orgId: string }) {
  const statements = useQuery({
    queryKey: ['org-statements', orgId],
    queryFn: () => usageApi.statements(orgId),
  });
  const [open, setOpen] = useState<{ contractId: string; index: number } | null>(null);
  return (
    <section className="card" aria-label="Statements">
      <h2>Statements per commitment period</h2>
      <QueryView query={statements} what="the statements">
        {(contracts) =>
          contracts.length === 0 ? (
            <p className="muted">No contract with statements yet.</p>
          ) : (
            <div className="table-scroll" tabIndex={0}>
              <table aria-label="Commitment periods">
                <thead>
                  <tr>
                    <th>Contract</th>
                    <th>Period</th>
                    <th>State</th>
                    <th className="num">Minimum</th>
                    <th className="num">Counted spend</th>
                    <th className="num">Shortfall</th>
                    <th>
                      <span className="sr-only">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {contracts.flatMap((c) =>
                    c.periods.map((p) => (
                      <tr key={`${c.contractId}-${p.index}`}>
                        <td>
                          {c.tier} ({c.status})
                        </td>
                        <td>
                          {p.start} – {p.end}
                        </td>
                        <td>{p.state}</td>
                        <td className="num">{formatMicros(p.minimumMicros, p.currency)}</td>
                        <td className="num">{formatMicrosExact(p.spentMicros, p.currency)}</td>
                        <td className="num">{formatMicrosExact(p.shortfallMicros, p.currency)}</td>
                        <td>
                          <button
                            type="button"
                            className="secondary"
                            onClick={() => setOpen({ contractId: c.contractId, index: p.index })}
                          >
                            Usage {p.start}
                          </button>
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      {open && <PeriodUsage {...open} />}
    </section>
  );
}

function PeriodUsage({ contractId, index }: { contractId: string; index: number }) {
  const detail = useQuery({
    queryKey: ['statement-period', contractId, index],
    queryFn: () => usageApi.period(contractId, index),
  });
  return (
    <QueryView query={detail} what="the period's usage">
      {(d) => (
        <div aria-label="Period usage">
          <h3>
            Usage {d.period.start} – {d.period.end}: {d.period.summary}
          </h3>
          <BreakdownTable lines={d.usage} />
        </div>
      )}
    </QueryView>
  );
}
