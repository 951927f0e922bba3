/**
 * A small typed client for the portal API: clear errors, and one shared refresh on 401.
 * The access token lives in this module's memory only (never in storage a script could read
 * later); the refresh token is an httpOnly, SameSite=Strict cookie the browser sends to /auth
 * by itself, so no script can read it at all. A reload restores the session from the cookie.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function setAccessToken(next: string | null): void {
  accessToken = next;
  if (next) expired = false;
  listeners.forEach((l) => l(next !== null));
}

export const isSignedIn = () => accessToken !== null;

/** True once a live session could not be refreshed: the sign-in page says so instead of nothing. */
let expired = false;
export const sessionExpired = () => expired;
export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function toError(res: Response): Promise<ApiError> {
  let body: { message?: unknown; code?: string; error?: string } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON: fall back to the status text */
  }
  const message = Array.isArray(body.message)
    ? body.message.join('; ')
    : String(body.message ?? body.error ?? res.statusText);
  return new ApiError(res.status, message || `HTTP ${res.status}`, body.code);
}

/** A new access token from the refresh cookie; false (and signed out) when there is none. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      if (!res.ok) {
        expired = accessToken !== null;
        setAccessToken(null);
        return false;
      }
      setAccessToken(((await res.json()) as { accessToken: string }).accessToken);
      return true;
    } catch {
      setAccessToken(null);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function raw(
  method: string,
  path: string,
  body?: unknown,
  retry = true,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    // fetch rejects only when no answer came back at all: say so, not "sign in again"
    throw new ApiError(0, 'The portal API could not be reached', 'unreachable');
  }
  if (res.status === 401 && retry && accessToken && (await refreshSession()))
    return raw(method, path, body, false);
  if (!res.ok) throw await toError(res);
  return res;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await raw(method, path, body);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};
