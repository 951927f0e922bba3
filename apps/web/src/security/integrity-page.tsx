import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { auditApi } from '../api/audit';
import { ErrorBox } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { useBusyAction } from '../ui/use-busy-action';
import type { SignedTreeHead } from './merkle';
import {
  checkConsistency,
  checkHead,
  checkInclusion,
  checkQuorum,
  type Step,
} from './integrity-checks';

const PIN_KEY = 'velvet.audit.pinnedKey';
const SEEN_KEY = 'velvet.audit.lastHead';
const POLICY_KEY = 'velvet.audit.policy';
const read = <T,>(k: string): T | null => {
  try {
    return JSON.parse(localStorage.getItem(k) ?? 'null') as T | null;
  } catch {
    return null;
  }
};

function Report({ steps }: { steps: Step[] }) {
  return (
    // the live region wraps the list: a <ul> with role="status" stops being a list (axe: listitem)
    <div role="status" aria-label="Verification result">
      <ul className="checks">
        {steps.map((s, i) => (
          <li key={i} className={s.ok ? 'ok' : 'missing'}>
            {s.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Checks the audit log in this browser: the tree head's Ed25519 signature, that the log only grew
 * since the head this browser last verified (consistency proof), and that a record is in it (inclusion).
 */
export function IntegrityPage() {
  const [params] = useSearchParams();
  const [pinned, setPinned] = useState(() => localStorage.getItem(PIN_KEY) ?? '');
  const [policy, setPolicy] = useState(() => localStorage.getItem(POLICY_KEY) ?? '');
  const [head, setHead] = useState<SignedTreeHead | null>(null);
  const [headSteps, setHeadSteps] = useState<Step[]>([]);
  const [seq, setSeq] = useState(params.get('seq') ?? '');
  const [incSteps, setIncSteps] = useState<Step[]>([]);
  const { busy, error, run } = useBusyAction();
  const seen = read<SignedTreeHead>(SEEN_KEY);

  const verifyLatest = () =>
    run(async () => {
      const latest = await auditApi.latestHead();
      setHead(latest);
      const steps = await checkHead(latest, pinned || undefined);
      // the configured witness quorum (tlog-policy), as `npm run audit:verify -- --policy` requires it
      if (policy.trim()) steps.push(...(await checkQuorum(latest, policy)));
      if (steps.every((s) => s.ok) && seen && seen.treeSize <= latest.treeSize)
        steps.push(...(await checkConsistency(seen, latest)));
      if (!seen)
        steps.push({
          ok: true,
          text: 'First check from this browser: this head is remembered for the next consistency check',
        });
      setHeadSteps(steps);
      if (steps.every((s) => s.ok)) {
        localStorage.setItem(SEEN_KEY, JSON.stringify(latest));
        if (!pinned) {
          localStorage.setItem(PIN_KEY, latest.publicKey);
          setPinned(latest.publicKey);
        }
      }
    });

  function verifyRecord(e: FormEvent) {
    e.preventDefault();
    void run(async () => setIncSteps(await checkInclusion(Number(seq), pinned || undefined)));
  }

  return (
    <>
      <PageTitle>Log integrity</PageTitle>
      <p className="muted">
        All checks below run in your browser (SHA-256 and Ed25519); the server only supplies hashes
        and proofs.
      </p>
      <section className="card stack" aria-label="Signed tree head">
        <h2>Signed tree head</h2>
        <label>
          Pinned log public key (base64; filled on first use)
          <input
            value={pinned}
            onChange={(e) => (
              setPinned(e.target.value),
              localStorage.setItem(PIN_KEY, e.target.value)
            )}
          />
        </label>
        <label>
          Witness policy (C2SP tlog-policy: <code>log</code>, <code>witness</code>,{' '}
          <code>group</code>, <code>quorum</code> lines; empty = no quorum required)
          <textarea
            rows={4}
            value={policy}
            onChange={(e) => (
              setPolicy(e.target.value),
              localStorage.setItem(POLICY_KEY, e.target.value)
            )}
          />
        </label>
        {seen && (
          <p className="muted">
            Last verified here: {seen.treeSize} entries at{' '}
            {formatDateTime(new Date(seen.timestampMs).toISOString())}
          </p>
        )}
        <div>
          <button type="button" onClick={() => void verifyLatest()} disabled={busy}>
            Verify latest tree head
          </button>
        </div>
        {head && (
          <p>
            Size <strong>{head.treeSize}</strong>, signed{' '}
            {formatDateTime(new Date(head.timestampMs).toISOString())}, key id{' '}
            <code>{head.keyId.slice(0, 16)}…</code>
          </p>
        )}
        {headSteps.length > 0 && <Report steps={headSteps} />}
      </section>
      <form className="card stack" onSubmit={verifyRecord} aria-label="Verify a record">
        <h2>Verify a record is in the log</h2>
        <div className="row">
          <label>
            Record number
            <input
              type="number"
              min={0}
              value={seq}
              onChange={(e) => setSeq(e.target.value)}
              required
            />
          </label>
          <button type="submit" disabled={busy}>
            Verify inclusion
          </button>
        </div>
        {incSteps.length > 0 && <Report steps={incSteps} />}
      </form>
      <ErrorBox error={error} />
    </>
  );
}
