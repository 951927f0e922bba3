import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { contractsApi } from '../api/contracts';
import { Can, useOrgId } from '../auth/auth-context';
import { QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { CommitmentCard } from './commitment-card';
import { EntitlementsCard } from './locked-models';
import { SpendChart } from './spend-chart';

export function DashboardPage() {
  const orgId = useOrgId();
  const entitlements = useQuery({
    queryKey: ['entitlements', orgId],
    queryFn: () => contractsApi.entitlements(orgId),
    refetchInterval: 10_000,
  });
  const spend = useQuery({
    queryKey: ['spend', orgId],
    queryFn: () => contractsApi.spend(orgId, 90),
  });
  return (
    <>
      <PageTitle
        actions={
          <Can I="create" a="Contract">
            <Link to="/contracts">Request a contract</Link>
          </Can>
        }
      >
        Dashboard
      </PageTitle>
      <div className="grid">
        <section className="card" aria-labelledby="spend-h">
          <h2 id="spend-h">Spend, last 90 days</h2>
          <QueryView query={spend}>{(points) => <SpendChart points={points} />}</QueryView>
        </section>
        {/* a member may not read contracts: no card rather than a 403 */}
        <Can I="read" a="Contract">
          <CommitmentCard orgId={orgId} />
        </Can>
      </div>
      <QueryView query={entitlements}>{(e) => <EntitlementsCard models={e.models} />}</QueryView>
    </>
  );
}
