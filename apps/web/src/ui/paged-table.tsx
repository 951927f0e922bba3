import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { PageView } from '../api/wire';
import { Empty, QueryView } from './feedback';
import { Pager } from './pager';

interface Props<P extends PageView> {
  /** A generated page schema (`View<'ContractPage'>`); `row` gets its item view. */
  query: UseQueryResult<P>;
  /** Screen-reader caption, which is also the table's accessible name. */
  caption: string;
  /** Shown instead of the table when the page is empty. */
  empty: ReactNode;
  /** The header cells (`<th>`s). */
  head: ReactNode;
  /** One `<tr>` (with its key) per item. */
  row(item: P['items'][number]): ReactNode;
  onPage(offset: number): void;
}

/** An offset-paginated list: loading / error / empty states, the table, and the Pager below it. */
export function PagedTable<P extends PageView>({
  query,
  caption,
  empty,
  head,
  row,
  onPage,
}: Props<P>) {
  return (
    <QueryView query={query}>
      {(page) =>
        page.items.length === 0 ? (
          <Empty>{empty}</Empty>
        ) : (
          <>
            <div className="table-scroll" tabIndex={0}>
              <table>
                <caption className="sr-only">{caption}</caption>
                <thead>
                  <tr>{head}</tr>
                </thead>
                <tbody>{page.items.map(row)}</tbody>
              </table>
            </div>
            <Pager total={page.total} limit={page.limit} offset={page.offset} onChange={onPage} />
          </>
        )
      }
    </QueryView>
  );
}
