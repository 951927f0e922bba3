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
export const retryable = (error: unknown) =>
  !(error instanceof ApiError) || error.status === 0 || error.status >= 500;
