import { useQuery } from '@tanstack/react-query';
import { catalogApi } from '../api/catalog';
import { Empty, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { UnlockRuleForm } from './unlock-rule-form';

export function UnlockRulesPage() {
  const rules = useQuery({ queryKey: ['unlock-rules'], queryFn: catalogApi.rules });
  return (
    <>
      <PageTitle>Unlock rules</PageTitle>
      <p className="muted">
        A premium tier unlocks for an organisation only when every condition of its rule holds.
      </p>
      <QueryView query={rules}>
        {(list) =>
          list.length === 0 ? (
            <Empty>No gated tiers have rules.</Empty>
          ) : (
            list.map((r) => <UnlockRuleForm key={`${r.tier}-${r.version}`} rule={r} />)
          )
        }
      </QueryView>
    </>
  );
}
