/**
 * Who may register and end a dwelling's rental registrations by hand: whoever may write the actual
 * residence (person.actualResidence) of someone living at that dwelling under their remit for the
 * stated purpose — a committee worker in their committee, a collector (housing coordinator) in
 * the buildings assigned to them, a street administrator in their street, a department whose
 * remit holds the element there — and who may write the tenant's actual residence too (the
 * tenant must be visible: out of remit they are PERSON_NOT_FOUND, as if missing). The same
 * decision tells the console whether to offer the form (`mayWrite`). The owner of the element
 * (or its delegate) records from its own source, anyone else from `manual`, as for residences.
 * Every write's audit entry (`rental.write`, naming the tenant and the actual residence) commits
 * with it.
 */
import { PopulusError } from '../domain/errors.ts';
import { RESIDENCE_ELEMENT } from '../domain/registry/element-ids.ts';
import type { RentalRegistration } from '../domain/registry/rental.ts';
import type { Repositories } from '../store/repositories.ts';
import { MANUAL_SOURCE, type NewRentalInput, type RentalService, type RentalWriteContext } from '../services/rental.service.ts';
import type { AuditService } from './audit.service.ts';
import { entryOf } from './audit.service.ts';
import type { PersonGate, ReadRequest } from './person-gate.ts';
import { actorRef } from './principal.ts';
import type { Access, Subject, WriteMode } from './remit-policy.ts';

export interface RentalGateDeps {
  readonly persons: PersonGate;
  readonly rentals: RentalService;
  readonly audit: AuditService;
  readonly dwellingsOf: (ids: readonly string[]) => Promise<ReadonlyMap<string, { readonly buildingId: string; readonly areaCode: string }>>;
  readonly ownerSourceOf: (elementIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;
}

export const RENTAL_WRITE = 'rental.write';
const ELEMENT = RESIDENCE_ELEMENT.actual;

export class RentalGate {
  constructor(private readonly deps: RentalGateDeps) {}

  /** Someone living at the dwelling, as the remit sees them (DWELLING_NOT_FOUND when there is no such dwelling). */
  private async place(dwellingId: string): Promise<Subject> {
    const d = (await this.deps.dwellingsOf([dwellingId])).get(dwellingId);
    if (!d) throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${dwellingId}`, { dwellingId });
    return { personId: '', areaCodes: [d.areaCode], buildingIds: [d.buildingId], kinds: [] };
  }

  /** Whether the caller may register and end rentals at the dwelling (the console offers the form only then). */
  async mayWrite(access: Access, dwellingId: string): Promise<boolean> {
    return access.writeMode(await this.place(dwellingId), ELEMENT) !== 'denied';
  }

  private async modeAt(access: Access, dwellingId: string): Promise<WriteMode> {
    const mode = access.writeMode(await this.place(dwellingId), ELEMENT);
    if (mode === 'denied') throw this.refused(`your remit does not let you write actual residences at this dwelling for the purpose ${access.purpose}`);
    return mode;
  }

  private refused(message: string): PopulusError {
    return new PopulusError('NOT_ALLOWED', message, { operation: RENTAL_WRITE, elements: [ELEMENT] });
  }

  private async context(access: Access, mode: WriteMode, requestId: string | null): Promise<RentalWriteContext> {
    const owner = mode === 'authoritative' ? (await this.deps.ownerSourceOf([ELEMENT])).get(ELEMENT) : undefined;
    const actor = actorRef(access.principal);
    return {
      sourceId: owner ?? MANUAL_SOURCE,
      actor,
      departmentId: access.principal.departmentId,
      cause: { kind: 'user', actor },
      within: async (repos: Repositories, personId: string) => {
        const entry = entryOf(
          { principal: access.principal, purpose: access.purpose },
          { action: RENTAL_WRITE, personIds: [personId], elementIds: [ELEMENT], result: 'ok', requestId },
        );
        await this.deps.audit.appendWithin(repos.audit, [entry]);
      },
    };
  }

  /** Registers a rental of the dwelling to a tenant the caller can see and may write the actual residence of. */
  async register(access: Access, dwellingId: string, input: NewRentalInput, req: ReadRequest): Promise<RentalRegistration> {
    const mode = await this.modeAt(access, dwellingId);
    const { view, subject } = await this.deps.persons.visible(access, input.personId, RENTAL_WRITE, req.requestId);
    if (view.person.id !== input.personId) {
      throw new PopulusError('PERSON_MERGED', `person ${input.personId} was merged into ${view.person.id}: register the rental for that one`, {
        personId: input.personId,
        mergedInto: view.person.id,
      });
    }
    if (access.writeMode(subject, ELEMENT) === 'denied') throw this.refused(`your remit does not let you write this tenant's actual residence for the purpose ${access.purpose}`);
    return this.deps.rentals.register(dwellingId, input, await this.context(access, mode, req.requestId));
  }

  /** Ends a registration of the dwelling from a date on; its tenant must be within the caller's remit. */
  async end(access: Access, dwellingId: string, rentalId: string, endedOn: string, req: ReadRequest): Promise<RentalRegistration> {
    const mode = await this.modeAt(access, dwellingId);
    const rental = await this.deps.rentals.get(dwellingId, rentalId);
    let subject: Subject;
    try {
      subject = (await this.deps.persons.visible(access, rental.personId, RENTAL_WRITE, req.requestId)).subject;
    } catch (e) {
      if (e instanceof PopulusError && e.code === 'PERSON_NOT_FOUND') throw this.refused('the tenant of this rental registration is outside your remit');
      throw e;
    }
    if (access.writeMode(subject, ELEMENT) === 'denied') throw this.refused(`your remit does not let you write this tenant's actual residence for the purpose ${access.purpose}`);
    return this.deps.rentals.end(dwellingId, rentalId, endedOn, await this.context(access, mode, req.requestId));
  }
}

/** The rental gate over the platform's services, its person gate and access services (as the API builds it). */
export function rentalGateFor(
  services: {
    readonly rentals: RentalService;
    readonly housing: { dwellingsOf: RentalGateDeps['dwellingsOf'] };
    readonly sources: { ownerSourceOf: RentalGateDeps['ownerSourceOf'] };
  },
  persons: PersonGate,
  access: { readonly audit: AuditService },
): RentalGate {
  return new RentalGate({
    persons,
    rentals: services.rentals,
    audit: access.audit,
    dwellingsOf: (ids) => services.housing.dwellingsOf(ids),
    ownerSourceOf: (ids) => services.sources.ownerSourceOf(ids),
  });
}
