import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describeError, retryable } from './describe-error';

export function ErrorBox({
  error,
  what,
  onRetry,
}: {
  error: unknown;
  /** What was being loaded or done, e.g. "your profile". */
  what?: string;
  onRetry?: () => void;
}) {
  if (!error) return null;
  return (
    <div role="alert" className="error">
      {describeError(error, what)}
      {onRetry && retryable(error) && (
        <>
          {' '}
          <button type="button" className="secondary small" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}

export const Loading = ({ what = 'Loading' }: { what?: string }) => (
  <p role="status" aria-live="polite" className="muted">
    {what}…
  </p>
);

export const Empty = ({ children }: { children: ReactNode }) => <p className="empty">{children}</p>;

/** Renders a query's loading and error states (with a retry), then its data. */
export function QueryView<T>({
  query,
  what,
  children,
}: {
  query: UseQueryResult<T>;
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError)
    return <ErrorBox error={query.error} what={what} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="notice">
      {children}
    </div>
  );
}
