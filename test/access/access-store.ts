/**
 * Test support: a store of either backend with the access tables (migration 0003-access applied
 * here until src/store/migrate.ts registers it; then this is a no-op), and small factories.
 */
import { migrations } from '../../src/store/migrate.ts';
import { access } from '../../src/store/migrations/0003-access.ts';
import type { Store } from '../../src/store/store.ts';
import type { Backend } from '../support/backends.ts';
import type { Kysely } from 'kysely';

export async function openAccessStore(backend: Backend): Promise<Store> {
  const store = await backend.open();
  if (!('0003-access' in migrations(store.dialect))) await access(store.dialect).up(store.db as unknown as Kysely<unknown>);
  return store;
}

/** A clock the test moves by hand. */
export class TestClock {
  private t: number;
  constructor(start = '2026-11-02T08:00:00.000Z') {
    this.t = Date.parse(start);
  }
  readonly now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
  minutes(n: number): void {
    this.advance(n * 60_000);
  }
  days(n: number): void {
    this.advance(n * 86_400_000);
  }
}
