import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { securityApi } from '../api/security';
import { Can } from '../auth/auth-context';
import { QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { useOrganization } from '../ui/org-name';
import { StatusTag } from '../ui/status-tag';
import { OrgAccessControls } from './org-access-controls';
import { SuspensionState } from './suspension-state';
import { ThrottleState } from './throttle-state';

/** One organisation as staff see it: its state, its premium access, and links to its calls and cases. */
export function OrganizationPage() {
  const { orgId = '' } = useParams();
  const org = useOrganization(orgId);
  return (
    <QueryView query={org} what="the organisation">
      {(o) => (
        <>
          <PageTitle
            actions={
              <Can I="export" a="AuditRecord">
                <Link to={`/audit-log?org=${o.id}`}>Calls in the audit log</Link>
              </Can>
            }
          >
            {o.name}
          </PageTitle>
          <section className="card stack" aria-label="Organisation state">
            <p>
              <StatusTag status={o.status} />{' '}
              <span className={`tag ${o.verified ? 'good' : 'warn'}`}>
                {o.verified ? 'verified' : 'not verified'}
              </span>{' '}
              <span className="muted">since {formatDateTime(o.createdAt)}</span>
            </p>
            <SuspensionState orgId={o.id} />
            <ThrottleState orgId={o.id} />
            <Can I="suspend" a="Organization">
              <OrgAccessControls org={o} />
            </Can>
          </section>
          <Can I="manage" a="AlertCase">
            <OrgCases orgId={o.id} />
          </Can>
        </>
      )}
    </QueryView>
  );
}

function OrgCases({ orgId }: { orgId: string }) {
  const cases = useQuery({
    queryKey: ['alert-cases', 'org', orgId],
    queryFn: () => securityApi.cases({ organizationId: orgId, limit: 50, offset: 0 }),
  });
  return (
    <section className="card" aria-label="Alert cases of this organisation">
      <h2>Alert cases</h2>
      <QueryView query={cases} what="the alert cases">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No alert cases.</p>
          ) : (
            <ul>
              {page.items.map((c) => (
                <li key={c.id}>
                  <Link to={`/alerts/${c.id}`}>
                    {c.level} risk {c.riskScore.toFixed(2)}, last detected{' '}
                    {formatDateTime(c.lastDetectedAt)}
                  </Link>{' '}
                  <StatusTag status={c.status} />
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
