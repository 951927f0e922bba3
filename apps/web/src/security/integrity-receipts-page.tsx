import { useState, type FormEvent } from 'react';
import { ErrorBox } from '../ui/feedback';
import { formatMicros } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { useBusyAction } from '../ui/use-busy-action';
import type { Step } from './integrity-checks';
import { checkReceiptsHere, type WebBillingLine } from './integrity-receipts';

const SAVED_KEY = 'velvet.audit.savedCheckpoint';
const POLICY_KEY = 'velvet.audit.policy';
const PIN_KEY = 'velvet.audit.pinnedKey';

/**
 * Receipts in the browser: paste the `x-velvet-receipt` values your calls returned; each is checked
 * against the published receipt keys, and its leaf proven included in the log under a head that
 * extends the checkpoint you saved (and carries the witness quorum of your policy). The charges are
 * summed from your own leaves, to compare with your statement.
 */
export function IntegrityReceiptsPage() {
  const [receipts, setReceipts] = useState('');
  const [saved, setSaved] = useState(() => localStorage.getItem(SAVED_KEY) ?? '');
  const [policy, setPolicy] = useState(() => localStorage.getItem(POLICY_KEY) ?? '');
  const [steps, setSteps] = useState<Step[]>([]);
  const [billing, setBilling] = useState<WebBillingLine[]>([]);
  const { busy, error, run } = useBusyAction();

  function verify(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      localStorage.setItem(SAVED_KEY, saved);
      localStorage.setItem(POLICY_KEY, policy);
      const receiptKeys = await (await fetch('/audit-log/receipt-keys')).text();
      const result = await checkReceiptsHere({
        receipts,
        receiptKeys,
        savedCheckpoint: saved,
        policy,
        pinnedKey: localStorage.getItem(PIN_KEY) ?? undefined,
      });
      setSteps(result.steps);
      setBilling(result.billing);
    });
  }

  return (
    <>
      <PageTitle>Receipts</PageTitle>
      <p className="muted">
        Signatures, inclusion and consistency proofs are checked in your browser; the server only
        supplies the export.
      </p>
      <form className="card stack" onSubmit={verify} aria-label="Verify receipts">
        <label>
          Receipts (one <code>x-velvet-receipt</code> value a line)
          <textarea
            rows={6}
            value={receipts}
            onChange={(e) => setReceipts(e.target.value)}
            required
          />
        </label>
        <label>
          Checkpoint you saved earlier from <code>/audit-log/checkpoint</code> (optional)
          <textarea rows={4} value={saved} onChange={(e) => setSaved(e.target.value)} />
        </label>
        <label>
          Witness policy (tlog-policy, optional)
          <textarea rows={4} value={policy} onChange={(e) => setPolicy(e.target.value)} />
        </label>
        <div>
          <button type="submit" disabled={busy}>
            Verify receipts
          </button>
        </div>
      </form>
      {steps.length > 0 && (
        <section className="card stack" aria-label="Receipt verification">
          <div role="status" aria-label="Verification result">
            <ul className="checks">
              {steps.map((s, i) => (
                <li key={i} className={s.ok ? 'ok' : 'missing'}>
                  {s.text}
                </li>
              ))}
            </ul>
          </div>
          <h2>Charges from your leaves</h2>
          <table>
            <thead>
              <tr>
                <th>Day (UTC)</th>
                <th>Calls</th>
                <th>Input tokens</th>
                <th>Output tokens</th>
                <th>Charged</th>
              </tr>
            </thead>
            <tbody>
              {billing.map((b) => (
                <tr key={`${b.day}${b.currency}`}>
                  <td>{b.day}</td>
                  <td>{b.calls}</td>
                  <td>{b.inputTokens}</td>
                  <td>{b.outputTokens}</td>
                  <td>{formatMicros(b.costMicros, b.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <ErrorBox error={error} />
    </>
  );
}
