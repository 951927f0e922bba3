import { useQuery } from '@tanstack/react-query';
import { catalogApi, type ImpactedOrganization, type RuleInput } from '../api/catalog';
import { QueryView } from '../ui/feedback';
import { formatDate } from '../ui/format';

function Names({ list, what }: { list: ImpactedOrganization[]; what: string }) {
  if (list.length === 0) return null;
  return (
    <li>
      <strong>{list.length}</strong> {what}:{' '}
      {list
        .slice(0, 20)
        .map((o) => (o.until ? `${o.name} (until ${formatDate(o.until)})` : o.name))
        .join(', ')}
      {list.length > 20 ? ', …' : ''}
    </li>
  );
}

/**
 * Before saving: which organisations the edited rule would let in, lock out, or (with
 * grandfathering) keep until their contract's term ends, evaluated now by the portal API.
 */
export function UnlockRuleImpact({ tier, input }: { tier: string; input: RuleInput | null }) {
  const preview = useQuery({
    queryKey: ['unlock-rule-preview', tier, input],
    queryFn: () => catalogApi.previewRule(tier, input!),
    enabled: input !== null,
  });
  if (!input) return null;
  return (
    <section aria-label={`Impact of the ${tier} rule change`} className="stack">
      <h3>If saved now</h3>
      <QueryView query={preview}>
        {(impact) =>
          impact.gain.length + impact.lose.length + impact.grandfathered.length === 0 ? (
            <p className="muted">No organisation gains or loses access.</p>
          ) : (
            <ul>
              <Names list={impact.gain} what="would gain access" />
              <Names list={impact.lose} what="would lose access" />
              <Names list={impact.grandfathered} what="keep access until their contract ends" />
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
