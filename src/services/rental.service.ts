/**
 * Rental registrations (租赁登记) entered and ended by hand — a housing coordinator or committee
 * worker on the housing page — beside those imports bring (src/ingest/rentals.ts). A registration
 * entered by hand is recorded like an observation entered through the API: method `api`, the
 * source it is recorded from (`manual`, or the owner's source for the department that owns the
 * actual residence), who entered it and for which department, no import batch. Each write commits
 * with its change event (`cn.populus.rental.registered` / `…rental.ended`) and, through `within`,
 * its audit entry; nothing is ever deleted.
 */
import { PopulusError } from '../domain/errors.ts';
import { isIsoDate } from '../domain/dates.ts';
import type { ChangeCause } from '../domain/feed/change-event.ts';
import { cleanRentalEntry, rentalEntryProblem, rentalOpen, type RentalRegistration } from '../domain/registry/rental.ts';
import type { DataAccess, Repositories } from '../store/repositories.ts';
import { newId } from '../store/clock.ts';
import { ChangeEvents } from './change-events.ts';

export interface NewRentalInput {
  /** The tenant. */
  readonly personId: string;
  readonly registrationNumber: string;
  readonly landlordName?: string | null | undefined;
  readonly startDate: string;
  readonly endDate?: string | null | undefined;
}

/** Who writes and what commits with the write. */
export interface RentalWriteContext {
  /** The source the registration is recorded from: `manual`, or the owner's source for an authoritative write. */
  readonly sourceId: string;
  /** The actor reference (`user:ID`, `token:ID`). */
  readonly actor: string;
  readonly departmentId: string | null;
  /** What the change event names as its cause (default: the actor as a user). */
  readonly cause?: ChangeCause;
  /** Runs inside the write's transaction (the audit entry commits with it). */
  readonly within?: (repos: Repositories, personId: string) => Promise<void>;
}

export const MANUAL_SOURCE = 'manual';

const rentalNotFound = (dwellingId: string, rentalId: string): PopulusError =>
  new PopulusError('RENTAL_NOT_FOUND', `dwelling ${dwellingId} has no rental registration ${rentalId}`, { dwellingId, rentalId });

export class RentalService {
  constructor(private readonly data: DataAccess) {}

  /** A registration of a dwelling (RENTAL_NOT_FOUND when there is none of that id at that dwelling). */
  async get(dwellingId: string, rentalId: string): Promise<RentalRegistration> {
    const r = await this.data.repos.rentals.findRental(rentalId);
    if (!r || r.dwellingId !== dwellingId) throw rentalNotFound(dwellingId, rentalId);
    return r;
  }

  /**
   * Registers a rental of a dwelling to a tenant. Refused, with nothing written: a number that is
   * empty, dates that are not YYYY-MM-DD or a period that ends before it begins (INVALID_VALUE,
   * CONFLICTING_PERIOD); a dwelling or tenant that does not exist (DWELLING_NOT_FOUND,
   * PERSON_NOT_FOUND); a tenant merged into another person (PERSON_MERGED, naming the survivor);
   * another registration under the same number at the dwelling not yet ended (RENTAL_EXISTS).
   */
  async register(dwellingId: string, input: NewRentalInput, ctx: RentalWriteContext): Promise<RentalRegistration> {
    const entry = cleanRentalEntry(input);
    const problem = rentalEntryProblem(entry);
    if (problem) throw new PopulusError(problem.code, problem.message, { field: problem.field });
    return this.data.transaction(async (repos) => {
      const dwelling = await repos.housing.findDwelling(dwellingId);
      if (!dwelling) throw new PopulusError('DWELLING_NOT_FOUND', `there is no dwelling ${dwellingId}`, { dwellingId });
      const person = await repos.persons.findPerson(input.personId);
      if (!person) throw new PopulusError('PERSON_NOT_FOUND', `there is no person ${input.personId}`, { personId: input.personId });
      if (person.status === 'merged') {
        throw new PopulusError('PERSON_MERGED', `person ${input.personId} was merged into another person: register the rental for that one`, {
          personId: input.personId,
          mergedInto: person.mergedInto,
        });
      }
      const same = (await repos.rentals.openAt(dwellingId, entry.registrationNumber)).filter(rentalOpen);
      if (same.length > 0) {
        throw new PopulusError('RENTAL_EXISTS', `the dwelling already has a rental registration ${entry.registrationNumber} that has not ended`, {
          field: 'registrationNumber',
          rentalId: same[0]?.id,
        });
      }
      const recorded = await repos.rentals.insertEntered(
        { id: newId(), personId: person.id, dwellingId, ...entry },
        { sourceId: ctx.sourceId, method: 'api', recordedBy: ctx.actor, departmentId: ctx.departmentId },
      );
      const events = new ChangeEvents(ctx.cause ?? { kind: 'user', actor: ctx.actor });
      events.rental('registered', recorded, dwelling.areaCode);
      await events.flush(repos);
      await ctx.within?.(repos, person.id);
      return recorded;
    });
  }

  /**
   * Ends a registration from a date on (the first day it is no longer in force): it stays in the
   * dwelling's past. Refused: a date that is not YYYY-MM-DD (INVALID_VALUE), on or before the
   * registration's first day (CONFLICTING_PERIOD), a registration not of this dwelling
   * (RENTAL_NOT_FOUND) or already ended (RENTAL_ENDED).
   */
  async end(dwellingId: string, rentalId: string, endedOn: string, ctx: RentalWriteContext): Promise<RentalRegistration> {
    if (!isIsoDate(endedOn)) throw new PopulusError('INVALID_VALUE', `endedOn ${endedOn} is not a date (YYYY-MM-DD)`, { field: 'endedOn' });
    return this.data.transaction(async (repos) => {
      const r = await repos.rentals.findRental(rentalId);
      if (!r || r.dwellingId !== dwellingId) throw rentalNotFound(dwellingId, rentalId);
      if (!rentalOpen(r)) throw new PopulusError('RENTAL_ENDED', `the rental registration ${r.registrationNumber} already ended on ${r.endedOn ?? ''}`, { rentalId, endedOn: r.endedOn });
      if (endedOn <= r.startDate) {
        throw new PopulusError('CONFLICTING_PERIOD', `the registration began on ${r.startDate}; it cannot end on or before that`, { field: 'endedOn', startDate: r.startDate });
      }
      if (!(await repos.rentals.endEntered(rentalId, endedOn, ctx.actor))) {
        throw new PopulusError('RENTAL_ENDED', `the rental registration ${r.registrationNumber} was ended meanwhile`, { rentalId });
      }
      const ended: RentalRegistration = { ...r, endedOn, endedBy: ctx.actor };
      const dwelling = await repos.housing.findDwelling(dwellingId);
      const events = new ChangeEvents(ctx.cause ?? { kind: 'user', actor: ctx.actor });
      events.rental('ended', ended, dwelling?.areaCode ?? null);
      await events.flush(repos);
      await ctx.within?.(repos, r.personId);
      return ended;
    });
  }
}
