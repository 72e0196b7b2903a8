/**
 * Builds the access services over a store: identity (users, sessions, tokens), the remit policy,
 * the person-view filter and the audit log. The composition root calls this once.
 */
import type { DataElement, Department } from '../domain/standard/types.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import type { Store } from '../store/store.ts';
import { defaultDataDir } from '../reference/data-dir.ts';
import { loadDepartments, loadElements } from '../reference/catalogue-loader.ts';
import { loadKinds } from '../reference/kind-loader.ts';
import { AccessRepository } from '../store/access.repository.ts';
import { createAuditStore } from '../store/audit.repository.ts';
import { AuditService, DEFAULT_AUDIT_SETTINGS, type AuditSettings } from './audit.service.ts';
import { ThreadAuditWriter } from './audit-writer.ts';
import { IdentityService } from './identity.service.ts';
import type { IdentityPolicy } from './identity-policy.ts';
import { PersonViewFilter } from './person-view-filter.ts';
import { loadRemitPolicy } from './remit-loader.ts';
import type { RemitPolicy } from './remit-policy.ts';

export interface AccessServices {
  readonly identity: IdentityService;
  readonly policy: RemitPolicy;
  readonly views: PersonViewFilter;
  readonly audit: AuditService;
}

export interface AccessOptions {
  /** The repository's data/ folder (remits.json, purposes.csv). */
  readonly dataDir: string;
  /** The 9-digit street this node serves. */
  readonly homeArea: string;
  readonly elements: readonly DataElement[];
  readonly departments: readonly Department[];
  readonly kinds: readonly KindDefinition[];
  readonly identityPolicy?: IdentityPolicy;
  readonly audit?: Partial<AuditSettings>;
  readonly clock?: () => Date;
  /**
   * Write group commits on a thread of their own (SQLite files; default false here, on in the platform's config): the fsync of each
   * commit then does not stall the thread answering requests (worth it on slow storage).
   */
  readonly auditThread?: boolean;
}

export function createAccessServices(store: Pick<Store, 'db'> & Partial<Pick<Store, 'sqlite'>>, o: AccessOptions): AccessServices {
  const policy = loadRemitPolicy({ dataDir: o.dataDir, homeArea: o.homeArea, elements: o.elements, departments: o.departments, kinds: o.kinds });
  const clock = o.clock === undefined ? {} : { clock: o.clock };
  return {
    policy,
    views: new PersonViewFilter(o.elements, o.kinds),
    identity: new IdentityService({
      repo: new AccessRepository(store.db),
      departmentPurposes: (d) => policy.departmentPurposes(d),
      ...(o.identityPolicy === undefined ? {} : { policy: o.identityPolicy }),
      ...clock,
    }),
    audit: new AuditService({
      store: createAuditStore(store),
      ...(store.sqlite && !store.sqlite.memory && o.auditThread === true ? { writer: new ThreadAuditWriter(store.sqlite.name, { ...DEFAULT_AUDIT_SETTINGS, ...o.audit }) } : {}),
      ...(o.audit === undefined ? {} : { settings: o.audit }),
      ...clock,
    }),
  };
}

/** As createAccessServices, with the elements, departments and kinds read from the shipped catalogue. */
export function accessServicesFromCatalogue(
  store: Pick<Store, 'db'> & Partial<Pick<Store, 'sqlite'>>,
  homeArea: string,
  dataDir: string = defaultDataDir(),
  extra: Pick<AccessOptions, 'identityPolicy' | 'audit' | 'clock' | 'auditThread'> = {},
): AccessServices {
  return createAccessServices(store, { dataDir, homeArea, elements: loadElements(dataDir), departments: loadDepartments(dataDir), kinds: loadKinds(dataDir), ...extra });
}
