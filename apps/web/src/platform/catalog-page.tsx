import { useQuery } from '@tanstack/react-query';
import { catalogApi } from '../api/catalog';
import { Empty, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { AddModelForm } from './add-model-form';
import { ModelRow } from './model-row';

export function CatalogPage() {
  const models = useQuery({ queryKey: ['catalog-models'], queryFn: () => catalogApi.models() });
  const tiers = useQuery({ queryKey: ['tiers'], queryFn: catalogApi.tiers });
  return (
    <>
      <PageTitle>Model catalog</PageTitle>
      <QueryView query={tiers}>
        {(list) => (
          <p className="muted">
            Tiers:{' '}
            {list.map((t) => (
              <span
                key={t.name}
                className={`tag ${t.gated ? 'warn' : ''}`}
                style={{ marginRight: 4 }}
              >
                {t.name}
                {t.gated ? ' (gated)' : ''}
              </span>
            ))}
          </p>
        )}
      </QueryView>
      {tiers.data && <AddModelForm tiers={tiers.data} />}
      <QueryView query={models}>
        {(list) =>
          list.length === 0 ? (
            <Empty>The catalog is empty.</Empty>
          ) : (
            <table>
              <caption className="sr-only">Models and prices</caption>
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Tier</th>
                  <th className="num">Input / 1M tokens</th>
                  <th className="num">Output / 1M tokens</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <ModelRow
                    key={`${m.id}-${m.inputPriceMicrosPerMTok}-${m.outputPriceMicrosPerMTok}-${m.status}`}
                    model={m}
                  />
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </>
  );
}
