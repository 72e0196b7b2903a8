/**
 * Test clients of the HTTP API: a user of a given role logs in through POST /api/v1/session (the
 * real path: cookie, CSRF token), and every request then carries the cookie, the CSRF token and a
 * purpose. Department systems get a real API token.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { AccessServices } from '../../src/access/access-services.ts';
import { accessServicesFromCatalogue } from '../../src/access/access-services.ts';
import { DEFAULT_IDENTITY_POLICY } from '../../src/access/identity-policy.ts';
import type { NewUser } from '../../src/access/identity.service.ts';
import type { Role } from '../../src/access/principal.ts';
import type { Store } from '../../src/store/store.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

/** Access services with cheap password hashing (tests log in many times). */
export function testAccess(store: Store, homeArea = '310105004', clock?: () => Date): AccessServices {
  return accessServicesFromCatalogue(store, homeArea, undefined, { identityPolicy: { ...DEFAULT_IDENTITY_POLICY, scrypt: { ln: 10, r: 8, p: 1 } }, ...(clock ? { clock } : {}) });
}

export type Client = ((opts: InjectOptions | string) => Promise<LightMyRequestResponse>) & {
  /** The same client stating another purpose. */
  readonly withPurpose: (purpose: string | null) => Client;
};

function client(app: FastifyInstance, headers: Record<string, string>, purpose: string | null): Client {
  const call = (opts: InjectOptions | string): Promise<LightMyRequestResponse> => {
    const o: InjectOptions = typeof opts === 'string' ? { method: 'GET', url: opts } : opts;
    const h: Record<string, string> = { ...headers, ...(purpose === null ? {} : { 'x-purpose': purpose }) };
    return app.inject({ ...o, headers: { ...h, ...(o.headers as Record<string, string> | undefined) } });
  };
  return Object.assign(call, { withPurpose: (p: string | null) => client(app, headers, p) });
}

let counter = 0;

/** Creates a user of the role (with the scope given) and logs in through the API. */
export async function signedIn(
  app: FastifyInstance,
  access: AccessServices,
  user: { role: Role } & Partial<Omit<NewUser, 'role' | 'password' | 'displayName'>>,
  purpose: string | null,
): Promise<Client> {
  const username = user.username ?? `${user.role}-${++counter}-${process.pid}`;
  await access.identity.createUser({ displayName: username, password: TEST_PASSWORD, ...user, username });
  const r = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: TEST_PASSWORD } });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === 'populus_session');
  if (!cookie) throw new Error('no session cookie');
  const csrf = (r.json() as { csrfToken: string }).csrfToken;
  return client(app, { cookie: `populus_session=${cookie.value}`, 'x-csrf-token': csrf }, purpose);
}

/** A department system's client with a real API token. */
export async function withToken(app: FastifyInstance, access: AccessServices, departmentId: string, purposes: string[], purpose: string | null): Promise<Client> {
  const { token } = await access.identity.createToken({ departmentId, name: `test ${++counter}`, purposes });
  return client(app, { authorization: `Bearer ${token}` }, purpose);
}
