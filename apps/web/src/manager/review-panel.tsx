import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import { contractsApi, type Contract, type ContractDetail } from '../api/contracts';
import { Can, useSession } from '../auth/auth-context';
import { SpendChart } from '../org/spend-chart';
import { ErrorBox, Notice, QueryView } from '../ui/feedback';
import { formatDate, formatMicros, formatTextRetention } from '../ui/format';
import { OrgName, useOrganization } from '../ui/org-name';
import { StatusTag } from '../ui/status-tag';
import { ContractHistory } from './contract-history';
import { ReasonField } from '../ui/reason-field';
import { ConfirmButton } from '../ui/confirm-button';
import { OverlappingContracts } from '../org/overlapping-contracts';

/** One contract under review: terms, four-eyes state, the account's spend, and the decisions. */
export function ReviewPanel({ contract }: { contract: Contract }) {
  const client = useQueryClient();
  const { me } = useSession();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ['contract', contract.id],
    queryFn: () => contractsApi.get(contract.id),
  });
  const spend = useQuery({
    queryKey: ['spend', contract.organizationId],
    queryFn: () => contractsApi.spend(contract.organizationId, 90),
  });
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['review-queue'] }),
      client.invalidateQueries({ queryKey: ['contract', contract.id] }),
      client.invalidateQueries({ queryKey: ['contract-transitions', contract.id] }),
    ]);
  const decide = useMutation({
    mutationFn: async (what: 'approve' | 'reject' | 'changes') => {
      if (what === 'approve') {
        const r = await contractsApi.approve(contract.id, reason || undefined);
        return r.status === 'submitted'
          ? `Approval recorded (${r.approvals} of ${r.requiredApprovals}). Another account manager must approve.`
          : `Approved (${r.approvals} of ${r.requiredApprovals}); the contract is now ${r.status}.`;
      }
      if (what === 'reject')
        return `Rejected: ${(await contractsApi.reject(contract.id, reason)).status}`;
      return `Returned for changes: ${(await contractsApi.requestChanges(contract.id, reason)).status}`;
    },
    // the notice appears once the refetched contract shows the decision (e.g. Approve disabled)
    onSuccess: async (msg) => {
      setReason('');
      await refresh();
      setResult(msg);
    },
  });
  const c: Contract & Partial<ContractDetail> = detail.data ?? contract;
  const org = useOrganization(c.organizationId);
  const verify = useMutation({
    mutationFn: () => api.patch(`/organizations/${c.organizationId}`, { verified: true }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['org', c.organizationId] }),
  });
  const approvals = c.approvals ?? [];
  const iApproved = approvals.some((a) => a.approverId === me?.user.id);
  const needsReason = !reason.trim();
  const orgName = org.data?.name ?? 'this organisation';
  const amount = formatMicros(c.minSpendMicros, c.currency);
  /** Four-eyes amounts are the high-value ones: approving them asks for the organisation's name typed. */
  const highValue = c.requiredApprovals > 1;

  return (
    <section className="card" aria-label="Contract review">
      <h2>
        <OrgName id={c.organizationId} /> — {c.tier} <StatusTag status={c.status} />
      </h2>
      <p>
        Minimum <strong>{formatMicros(c.minSpendMicros, c.currency)}</strong> every {c.periodMonths}{' '}
        month(s), {formatDate(c.termStart)} to {formatDate(c.termEnd)}.{' '}
        {formatTextRetention(c.textRetentionDays)}
      </p>
      {org.data && (
        <p>
          Organisation{' '}
          {org.data.verified ? (
            <span className="tag good">verified</span>
          ) : (
            <span className="tag warn">not verified</span>
          )}{' '}
          {!org.data.verified && (
            <Can I="update" a="Organization" field="verified">
              <button
                type="button"
                className="secondary"
                onClick={() => verify.mutate()}
                disabled={verify.isPending}
              >
                Mark organisation verified
              </button>
            </Can>
          )}
        </p>
      )}
      {c.notes && <p className="muted">Customer notes: “{c.notes}”</p>}
      {c.replacesContractId && (
        <p>
          This request is an <strong>{c.relation}</strong> of contract{' '}
          <code>{c.replacesContractId.slice(0, 8)}</code>; approving it ends that one.
        </p>
      )}
      {detail.data?.overlapping && (
        <OverlappingContracts
          items={detail.data.overlapping}
          title="This organisation's existing and pending contracts for the tier"
        />
      )}
      <div className={c.requiredApprovals > 1 ? 'four-eyes' : ''} aria-label="Approvals">
        {c.requiredApprovals > 1 ? (
          <p>
            <strong>Four-eyes:</strong> this amount needs{' '}
            <strong>{c.requiredApprovals} distinct approvers</strong>. {approvals.length} of{' '}
            {c.requiredApprovals} recorded
            {iApproved ? ' (including yours — another manager must approve)' : ''}.
          </p>
        ) : (
          <p>One approval needed.</p>
        )}
      </div>
      <h3>Account spend, last 90 days</h3>
      <QueryView query={spend}>
        {(points) => <SpendChart points={points} title="Account spend" />}
      </QueryView>
      {result && <Notice>{result}</Notice>}
      <ErrorBox error={decide.error ?? verify.error} />
      {c.status === 'submitted' && (
        <Can I="review" a="Contract">
          <div className="stack">
            <ReasonField
              label="Reason (required to reject or request changes)"
              value={reason}
              onChange={setReason}
            />
            <div className="row">
              <ConfirmButton
                className="primary"
                disabled={decide.isPending || iApproved}
                title={`Approve ${amount} for ${orgName}?`}
                confirmLabel="Approve"
                typeToConfirm={highValue ? (org.data?.name ?? amount) : undefined}
                details={
                  <>
                    <p>
                      <strong>{orgName}</strong> commits to at least <strong>{amount}</strong> every{' '}
                      {c.periodMonths} month(s) for the {c.tier} tier, {formatDate(c.termStart)} to{' '}
                      {formatDate(c.termEnd)}.
                    </p>
                    <p>
                      {highValue
                        ? `Four-eyes amount: your approval is ${approvals.length + 1} of ${c.requiredApprovals}.`
                        : 'Your approval activates the contract and its premium access.'}
                    </p>
                    <p>Reason recorded: {reason.trim() ? `“${reason.trim()}”` : 'none given'}</p>
                  </>
                }
                onConfirm={() => decide.mutate('approve')}
              >
                Approve
              </ConfirmButton>
              <button
                type="button"
                className="secondary"
                disabled={decide.isPending || needsReason}
                onClick={() => decide.mutate('changes')}
              >
                Request changes
              </button>
              <ConfirmButton
                disabled={decide.isPending || needsReason}
                title={`Reject ${orgName}'s contract request?`}
                confirmLabel="Reject"
                details={
                  <>
                    <p>
                      The request ({amount} every {c.periodMonths} month(s)) is closed; the customer
                      must submit a new one.
                    </p>
                    <p>Reason recorded and shown to the customer: “{reason.trim()}”</p>
                  </>
                }
                onConfirm={() => decide.mutate('reject')}
              >
                Reject
              </ConfirmButton>
            </div>
          </div>
        </Can>
      )}
      <h3>History</h3>
      <ContractHistory id={c.id} />
    </section>
  );
}
