import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** Says what failed in words a person can act on: unreachable, signed out, forbidden, server error, or bad input. */
export function describeError(error: unknown, what?: string): string {
  const subject = what ? ` ${what}` : '';
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 0)
    return `Could not reach the portal API to load${subject || ' this'}: check your connection, then try again.`;
  if (error.status === 403)
    return `Your role may not do this${what ? ` (${what})` : ''}: ${error.message}.`;
  if (error.status >= 500)
    return `The portal API failed${what ? ` to load${subject}` : ''} (HTTP ${error.status}). This is on our side; try again shortly.`;
  return `${error.message} (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})`;
}

/** Retrying helps when the API was unreachable or failed; a refusal or bad input will not change. */
const retryable = (error: unknown) =>
  !(error instanceof ApiError) || error.status === 0 || error.status >= 500;

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
