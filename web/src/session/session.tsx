/**
 * The logged-in user: read from GET /api/v1/session at start, set by login, cleared by logout or
 * when the API answers AUTHENTICATION_REQUIRED. Holds the CSRF token for the client and the
 * purpose chosen for reads of personal data (kept per user in sessionStorage).
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setPurpose, unwrap, type Schemas } from '../api/client';

export type SessionView = Schemas['Session'];

interface SessionState {
  /** undefined while the first read is under way; null when nobody is logged in. */
  readonly session: SessionView | null | undefined;
  readonly purpose: string;
  choosePurpose(purpose: string): void;
  /** Logs in; answers the session (whose stage may ask for the second factor). */
  login(username: string, password: string): Promise<SessionView>;
  secondFactor(code: string): Promise<SessionView>;
  logout(): Promise<void>;
  reload(): Promise<void>;
  /** May the user perform this operation (report.run, review.decide, …)? */
  may(operation: string): boolean;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

function defaultPurpose(s: SessionView): string {
  const saved = sessionStorage.getItem(`populus.purpose.${s.user.id}`);
  if (saved !== null && s.purposes.includes(saved)) return saved;
  // Street and committee casework first (not data quality or statistics), then the first granted.
  if (s.purposes.includes('POPULATION_SERVICE')) return 'POPULATION_SERVICE';
  return s.purposes[0] ?? '';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [purpose, setPurposeState] = useState('');

  const adopt = useCallback((s: SessionView | null) => {
    setCsrfToken(s?.csrfToken ?? '');
    const p = s === null ? '' : defaultPurpose(s);
    setPurpose(p);
    setPurposeState(p);
    setSession(s);
  }, []);

  const reload = useCallback(async () => {
    try {
      adopt(unwrap(await api.GET('/api/v1/session')));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) adopt(null);
      else throw e;
    }
  }, [adopt]);

  useEffect(() => {
    reload().catch(() => adopt(null));
  }, [reload, adopt]);

  const value = useMemo<SessionState>(
    () => ({
      session,
      purpose,
      choosePurpose(p) {
        if (session) sessionStorage.setItem(`populus.purpose.${session.user.id}`, p);
        setPurpose(p);
        setPurposeState(p);
      },
      async login(username, password) {
        const s = unwrap(await api.POST('/api/v1/session', { body: { username, password } }));
        adopt(s);
        return s;
      },
      async secondFactor(code) {
        const s = unwrap(await api.POST('/api/v1/session/second-factor', { body: { code } }));
        adopt(s);
        return s;
      },
      async logout() {
        await api.DELETE('/api/v1/session').catch(() => undefined);
        adopt(null);
      },
      reload,
      may(operation) {
        return session?.operations.includes(operation) ?? false;
      },
    }),
    [session, purpose, adopt, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (s === undefined) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The logged-in session (pages behind the login only). */
export function useUser(): SessionView {
  const { session } = useSession();
  if (!session) throw new Error('useUser without a session');
  return session;
}
