import type { TokenPair } from '@velvet/auth';
import type { Request, Response } from 'express';

/** The refresh token lives in this cookie only: httpOnly (no script reads it), SameSite=Strict, sent to /auth only. */
export const REFRESH_COOKIE = 'vr_refresh';

export interface CookiePolicy {
  secure: boolean;
  maxAgeSeconds: number;
}

/** Sets the refresh cookie and answers the rest: the access token, which the web client keeps in memory. */
export function withRefreshCookie(res: Response, policy: CookiePolicy, pair: TokenPair) {
  res.cookie(REFRESH_COOKIE, pair.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: policy.secure,
    path: '/auth',
    maxAge: policy.maxAgeSeconds * 1000,
  });
  return { accessToken: pair.accessToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
}

export function clearRefreshCookie(res: Response, policy: CookiePolicy): void {
  res.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: policy.secure,
    path: '/auth',
  });
}

/** The cookie, or (for clients without a cookie jar) a token in the body. */
export function refreshTokenOf(req: Request, bodyToken: string | undefined): string | undefined {
  const cookie: unknown = (req.cookies as Record<string, unknown> | undefined)?.[REFRESH_COOKIE];
  return typeof cookie === 'string' && cookie.length > 0 ? cookie : bodyToken;
}

export const bearerOf = (req: Request): string | undefined =>
  /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
