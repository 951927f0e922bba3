import { useState } from 'react';

type Key = string | number | bigint | null | undefined;

/**
 * Client-side sorting of a table that holds its whole list (not server-paged ones, where a page's
 * order would mislead). `columns` maps a column id to the value it sorts by.
 */
export function useSortable<T>(
  items: T[],
  columns: Record<string, (item: T) => Key>,
  initial?: { by: string; dir: 'ascending' | 'descending' },
) {
  const [sort, setSort] = useState(initial);
  const by = sort ? columns[sort.by] : undefined;
  const sorted =
    sort && by
      ? [...items].sort((a, b) => {
          const x = by(a);
          const y = by(b);
          const order =
            x === y
              ? 0
              : x === null || x === undefined
                ? 1
                : y === null || y === undefined
                  ? -1
                  : x < y
                    ? -1
                    : 1;
          return sort.dir === 'ascending' ? order : -order;
        })
      : items;
  /** A header cell whose button sorts by this column (again: the other way round). */
  const header = (id: string, label: string, className?: string) => {
    const dir = sort?.by === id ? sort.dir : undefined;
    return (
      <th className={className} aria-sort={dir ?? 'none'}>
        <button
          type="button"
          className="sort"
          onClick={() => setSort({ by: id, dir: dir === 'ascending' ? 'descending' : 'ascending' })}
        >
          {label}{' '}
          <span aria-hidden="true">
            {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : '↕'}
          </span>
        </button>
      </th>
    );
  };
  return { sorted, header };
}
