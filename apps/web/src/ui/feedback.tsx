import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError
      ? `${error.message}${error.status ? ` (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})` : ''}`
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div role="alert" className="error">
      {message}
    </div>
  );
}

export const Loading = ({ what = 'Loading' }: { what?: string }) => (
  <p role="status" aria-live="polite" className="muted">
    {what}…
  </p>
);

export const Empty = ({ children }: { children: ReactNode }) => <p className="empty">{children}</p>;

/** Renders a query's loading and error states, then its data. */
export function QueryView<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorBox error={query.error} />;
  return <>{children(query.data)}</>;
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="notice">
      {children}
    </div>
  );
}
