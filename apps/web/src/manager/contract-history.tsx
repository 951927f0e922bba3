import { useQuery } from '@tanstack/react-query';
import { contractsApi } from '../api/contracts';
import { Empty, QueryView } from '../ui/feedback';
import { formatDateTime } from '../ui/format';

/** Every transition of a contract: from, to, who, when, why. */
export function ContractHistory({ id }: { id: string }) {
  const transitions = useQuery({
    queryKey: ['contract-transitions', id],
    queryFn: () => contractsApi.transitions(id),
  });
  return (
    <QueryView query={transitions}>
      {(list) =>
        list.length === 0 ? (
          <Empty>No history.</Empty>
        ) : (
          <ol aria-label="Contract history" className="muted">
            {list.map((t) => (
              <li key={t.id}>
                {formatDateTime(t.occurredAt)}: {t.fromStatus ?? '—'} →{' '}
                <strong>{t.toStatus}</strong>
                {t.actorUserId ? '' : ' (system)'}
                {t.reason && <> — “{t.reason}”</>}
              </li>
            ))}
          </ol>
        )
      }
    </QueryView>
  );
}
