export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  jwtSecret: string;
  /** Seconds an access token lives; short, because refresh tokens renew it. */
  accessTokenTtl: number;
  refreshTokenTtl: number;
  limits: {
    signupPerAddressPerHour: number;
    signupGlobalPerHour: number;
    loginPerAddressPerMinute: number;
    loginPerAccountPerMinute: number;
  };
}
