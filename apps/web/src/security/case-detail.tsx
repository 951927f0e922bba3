import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api/client';
import { securityApi } from '../api/security';
import type { ApiKey } from '../api/types';
import { QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { OrgName } from '../ui/org-name';
import { StatusTag } from '../ui/status-tag';
import { CaseActions } from './case-actions';
import { RiskTimeline } from './risk-timeline';
import { SuspensionState } from './suspension-state';
import { ThrottleState } from './throttle-state';

export function CaseDetail() {
  const { caseId = '' } = useParams();
  const detail = useQuery({
    queryKey: ['alert-case', caseId],
    queryFn: () => securityApi.case(caseId),
  });
  const orgId = detail.data?.case.organizationId;
  const scores = useQuery({
    queryKey: ['risk-scores', orgId],
    queryFn: () => securityApi.riskScores(orgId!),
    enabled: Boolean(orgId),
  });
  const keys = useQuery({
    queryKey: ['api-keys', orgId],
    queryFn: () => api.get<ApiKey[]>(`/organizations/${orgId}/api-keys`),
    enabled: Boolean(orgId),
  });
  const keyNames = Object.fromEntries((keys.data ?? []).map((k) => [k.id, k.name]));
  return (
    <QueryView query={detail}>
      {({ case: c, events }) => (
        <>
          <PageTitle
            actions={
              <span className="row">
                <Link to={`/audit-log?org=${c.organizationId}`}>
                  This organisation’s calls in the audit log
                </Link>
                <Link to="/alerts">All cases</Link>
              </span>
            }
          >
            Case: <OrgName id={c.organizationId} /> <StatusTag status={c.status} />
          </PageTitle>
          <div className="grid">
            <section className="card" aria-label="Risk summary">
              <h2>Risk</h2>
              <p className="stat">
                {c.riskScore.toFixed(2)}{' '}
                <span
                  className={`tag ${c.level === 'critical' || c.level === 'high' ? 'bad' : 'warn'}`}
                >
                  {c.level}
                </span>
              </p>
              <p className="muted">
                Peak {c.peakScore.toFixed(2)} · first detected {formatDateTime(c.firstDetectedAt)} ·
                last {formatDateTime(c.lastDetectedAt)}
              </p>
              <SuspensionState orgId={c.organizationId} />
              <ThrottleState orgId={c.organizationId} keyNames={keyNames} />
            </section>
            <section className="card" aria-label="Risk over time">
              <h2>Risk timeline</h2>
              <QueryView query={scores}>
                {(list) => <RiskTimeline scores={list} keyNames={keyNames} />}
              </QueryView>
            </section>
          </div>
          <section className="card" aria-label="Evidence">
            <h2>Evidence</h2>
            <div className="table-scroll" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th>Detector</th>
                    <th className="num">Score</th>
                    <th className="num">Weight</th>
                    <th>Finding</th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.evidence]
                    .sort((a, b) => b.score - a.score)
                    .map((d) => (
                      <tr key={d.detector}>
                        <td>{d.detector.replace(/_/g, ' ')}</td>
                        <td className="num">{d.score.toFixed(2)}</td>
                        <td className="num">{d.weight?.toFixed(2) ?? '—'}</td>
                        <td>
                          {d.summary}
                          {d.suppressedBy && (
                            <span className="tag">suppressed: {d.suppressedBy}</span>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            {c.flaggedKeys.length > 0 && (
              <>
                <h3>Flagged keys</h3>
                <ul>
                  {c.flaggedKeys.map((k) => (
                    <li key={k.apiKeyId}>
                      {keyNames[k.apiKeyId] ?? k.apiKeyId.slice(0, 8)}: {k.score.toFixed(2)} (
                      {k.level}) — {k.drivers.join(', ').replace(/_/g, ' ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          <CaseActions alert={c} keyNames={keyNames} />
          <section className="card" aria-label="Case history">
            <h2>History</h2>
            <ol>
              {events.map((e) => (
                <li key={e.id}>
                  {formatDateTime(e.occurredAt)} — <strong>{e.kind}</strong>
                  {e.reason && <> — “{e.reason}”</>}
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </QueryView>
  );
}
