import { useQuery } from '@tanstack/react-query';
import { contractsApi, type Contract } from '../api/contracts';
import { currentPeriod, statementsApi } from '../api/statements';
import { Empty, QueryView } from '../ui/feedback';
import { formatDate, formatMicros, formatMicrosExact, formatTextRetention } from '../ui/format';
import { MoneyProgress } from '../ui/progress';

/** This period's spend towards the contract's minimum, and the shortfall so far. */
export function PeriodProgress({
  contract,
  label = 'Spend this commitment period',
}: {
  contract: Contract;
  label?: string;
}) {
  const statements = useQuery({
    queryKey: ['statements', contract.id],
    queryFn: () => statementsApi.forContract(contract.id),
  });
  return (
    <QueryView query={statements}>
      {({ periods, notes }) => {
        const p = currentPeriod(periods);
        if (!p) return <p className="muted">The first commitment period has not started.</p>;
        return (
          <>
            <MoneyProgress
              label={label}
              caption="Spend this commitment period"
              value={p.spentMicros}
              target={p.minimumMicros}
            />
            <p className="muted">
              Period {formatDate(p.start)} – {formatDate(p.end)} ({p.state}); shortfall{' '}
              {p.state === 'open' ? 'so far ' : ''}
              <strong>{formatMicrosExact(p.shortfallMicros, p.currency)}</strong>.
            </p>
            <details className="muted">
              <summary>How spend and rounding are counted</summary>
              <ul>
                {notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </details>
          </>
        );
      }}
    </QueryView>
  );
}

/** The active commitment and how far this period's spend has come towards its minimum. */
export function CommitmentCard({ orgId }: { orgId: string }) {
  const contracts = useQuery({
    queryKey: ['contracts', orgId, 0],
    queryFn: () => contractsApi.listForOrg(orgId, 0),
  });
  return (
    <section className="card" aria-labelledby="commit-h">
      <h2 id="commit-h">Commitment</h2>
      <QueryView query={contracts}>
        {(page) => {
          const active = page.items.find((c) => c.status === 'active');
          const pending = page.items.find((c) =>
            ['submitted', 'approved', 'changes_requested'].includes(c.status),
          );
          if (!active)
            return (
              <Empty>
                No active contract.
                {pending && (
                  <>
                    {' '}
                    Your {pending.tier} request is{' '}
                    <strong>{pending.status.replace('_', ' ')}</strong>.
                  </>
                )}
              </Empty>
            );
          return (
            <>
              <p>
                <strong>{active.tier}</strong> tier · minimum{' '}
                {formatMicros(active.minSpendMicros, active.currency)} every {active.periodMonths}{' '}
                month(s) · {formatDate(active.termStart)} to {formatDate(active.termEnd)} ·{' '}
                {formatTextRetention(active.textRetentionDays)}
              </p>
              <PeriodProgress contract={active} />
            </>
          );
        }}
      </QueryView>
    </section>
  );
}
