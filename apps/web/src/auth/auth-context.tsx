import type { Dto } from '../api/wire';
import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { AbilityProvider, useAbility as useCaslAbility } from '@casl/react';
export { Can } from '@casl/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, isSignedIn, onSessionChange, refreshSession, setAccessToken } from '../api/client';
import type { LoginResponse, Me } from '../api/types';

/** The browser's copy of the API's CASL rules (from GET /auth/me), so the UI hides what the API would refuse. */
export type AppAbility = MongoAbility;

interface Session {
  me: Me | undefined;
  ability: AppAbility;
  loading: boolean;
  /** True while a reload restores the session from the refresh cookie. */
  restoring: boolean;
  signedIn: boolean;
  /** Why the profile could not be loaded (unreachable API, expired session, server error). */
  meError: unknown;
  retryMe(): void;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [signedIn, setSignedIn] = useState(isSignedIn);
  const [restoring, setRestoring] = useState(() => !isSignedIn());
  const client = useQueryClient();
  useEffect(() => onSessionChange(setSignedIn), []);
  useEffect(() => {
    // the access token died with the last page; the cookie may still hold a session
    if (!isSignedIn()) void refreshSession().finally(() => setRestoring(false));
  }, []);

  const meQuery = useQuery({
    queryKey: ['me'],
    queryFn: () => api.get<Me>('/auth/me'),
    enabled: signedIn,
    staleTime: 60_000,
  });
  const ability = useMemo(() => createMongoAbility(meQuery.data?.rules ?? []), [meQuery.data]);

  const session: Session = {
    me: signedIn ? meQuery.data : undefined,
    ability,
    signedIn,
    restoring,
    loading: signedIn && meQuery.isPending,
    meError: meQuery.error,
    retryMe: () => void meQuery.refetch(),
    async login(email, password) {
      const res = await api.post<LoginResponse>('/auth/login', {
        email,
        password,
      } satisfies Dto<'LoginDto'>);
      client.clear();
      setAccessToken(res.accessToken);
    },
    async logout() {
      // ends the session server-side at once (its access tokens too) and clears the cookie
      await api.post('/auth/logout').catch(() => undefined);
      setAccessToken(null);
      client.clear();
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <AbilityProvider value={ability}>{children}</AbilityProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside AuthProvider');
  return s;
}

export const useAbility = () => useCaslAbility<AppAbility>();

/** The signed-in person's organisation id (customers only). */
export function useOrgId(): string {
  const { me } = useSession();
  return me?.organization?.id ?? me?.user.organizationId ?? '';
}
