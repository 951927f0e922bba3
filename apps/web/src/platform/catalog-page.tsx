import { useQuery } from '@tanstack/react-query';
import { catalogApi, type CatalogModel } from '../api/catalog';
import { Empty, QueryView } from '../ui/feedback';
import { PageTitle } from '../ui/layout';
import { useSortable } from '../ui/sortable';
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
          list.length === 0 ? <Empty>The catalog is empty.</Empty> : <ModelTable list={list} />
        }
      </QueryView>
    </>
  );
}

function ModelTable({ list }: { list: CatalogModel[] }) {
  const { sorted, header } = useSortable(list, {
    model: (m) => m.slug,
    tier: (m) => m.tier,
    input: (m) => BigInt(m.inputPriceMicrosPerMTok),
    output: (m) => BigInt(m.outputPriceMicrosPerMTok),
    status: (m) => m.status,
  });
  return (
    <div className="table-scroll" tabIndex={0}>
      <table>
        <caption className="sr-only">Models and prices</caption>
        <thead>
          <tr>
            {header('model', 'Model')}
            {header('tier', 'Tier')}
            {header('input', 'Input / 1M tokens', 'num')}
            {header('output', 'Output / 1M tokens', 'num')}
            {header('status', 'Status')}
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((m) => (
            <ModelRow
              key={`${m.id}-${m.inputPriceMicrosPerMTok}-${m.outputPriceMicrosPerMTok}-${m.status}`}
              model={m}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
