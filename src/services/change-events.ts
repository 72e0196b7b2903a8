/**
 * Collects what one unit of work changed, person by person, and appends it to the outbox in that
 * unit's transaction: one `person.created`/`person.updated` event per person with every element
 * that changed, then the person's links, moves, household changes and rental registrations in the
 * order they happened. Where the unit ended a person's residences, every event of the person names
 * the areas left (`leftAreas`), so that it reaches whoever had them in their remit.
 * Callers record; `flush` writes (numbering them, in commit order, is the outbox's job).
 */
import type {
  ChangeCause,
  ElementChange,
  HouseholdChangedData,
  NewChangeEvent,
  PersonMergedData,
  PersonUnmergedData,
  RentalChangedData,
  ResidenceMovedData,
} from '../domain/feed/change-event.ts';
import type { RentalRegistration } from '../domain/registry/rental.ts';
import type { Repositories } from '../store/repositories.ts';

export class ChangeEvents {
  private readonly elements = new Map<string, Map<string, ElementChange>>();
  private readonly others: NewChangeEvent[] = [];
  private readonly created = new Set<string>();
  private readonly left = new Map<string, Set<string>>();

  constructor(readonly cause: ChangeCause) {}

  /** Persons this unit created: their first event is `person.created`. */
  personsCreated(ids: Iterable<string>): void {
    for (const id of ids) this.created.add(id);
  }

  /** An element's current value changed (a later change of the same element in this unit replaces the new value, keeping the first old one). */
  element(personId: string, change: ElementChange): void {
    let m = this.elements.get(personId);
    if (!m) this.elements.set(personId, (m = new Map()));
    const earlier = m.get(change.element);
    const merged = earlier ? { ...change, old: earlier.old } : change;
    if (merged.old === merged.new && earlier) m.delete(change.element);
    else if (merged.old !== merged.new) m.set(change.element, merged);
  }

  /**
   * Areas a person was in until this unit ended their residence there: every event of the person
   * in this unit names them, so that it reaches whoever had the person in their remit (a person no
   * longer living anywhere is in no area of their own).
   */
  leftAreas(personId: string, areaCodes: Iterable<string>): void {
    let s = this.left.get(personId);
    if (!s) this.left.set(personId, (s = new Set()));
    for (const a of areaCodes) s.add(a);
  }

  linked(personId: string, sourceId: string, rule: string): void {
    this.others.push({ type: 'cn.populus.person.linked', personId, data: { sourceId, rule }, cause: this.cause, areas: [] });
  }

  moved(personId: string, data: ResidenceMovedData): void {
    const areas = [data.from?.areaCode, data.to?.areaCode].filter((a): a is string => a !== undefined);
    this.others.push({ type: 'cn.populus.residence.moved', personId, data, cause: this.cause, areas });
  }

  household(personId: string, data: HouseholdChangedData): void {
    this.others.push({ type: 'cn.populus.household.changed', personId, data, cause: this.cause, areas: [] });
  }

  /** A rental registration recorded (`registered`) or ended, at a dwelling in `areaCode` (null: no dwelling named). */
  rental(change: 'registered' | 'ended', r: RentalRegistration, areaCode: string | null): void {
    const data: RentalChangedData = {
      rentalId: r.id,
      dwellingId: r.dwellingId,
      areaCode,
      registrationNumber: r.registrationNumber,
      landlordName: r.landlordName,
      startDate: r.startDate,
      endDate: r.endDate,
      endedOn: r.endedOn,
      sourceId: r.sourceId,
      method: r.method,
    };
    const areas = areaCode === null ? [] : [areaCode];
    if (change === 'registered') this.others.push({ type: 'cn.populus.rental.registered', personId: r.personId, data, cause: this.cause, areas });
    else this.others.push({ type: 'cn.populus.rental.ended', personId: r.personId, data, cause: this.cause, areas });
  }

  merged(data: PersonMergedData): void {
    this.others.push({ type: 'cn.populus.person.merged', personId: data.survivorId, data, cause: this.cause, areas: [] });
  }

  unmerged(data: PersonUnmergedData): void {
    this.others.push({ type: 'cn.populus.person.unmerged', personId: data.survivorId, data, cause: this.cause, areas: [] });
  }

  /** The events recorded so far, in the order they will be numbered. */
  events(): NewChangeEvent[] {
    const out: NewChangeEvent[] = [];
    const created = [...this.created].filter((p) => !this.elements.has(p));
    for (const personId of created) out.push({ type: 'cn.populus.person.created', personId, data: { elements: [] }, cause: this.cause, areas: [] });
    for (const [personId, m] of this.elements) {
      if (m.size === 0 && !this.created.has(personId)) continue;
      const elements = [...m.values()].sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
      out.push({ type: this.created.has(personId) ? 'cn.populus.person.created' : 'cn.populus.person.updated', personId, data: { elements }, cause: this.cause, areas: [] });
    }
    out.push(...this.others);
    if (this.left.size === 0) return out;
    return out.map((e) => {
      const left = e.personId === null ? undefined : this.left.get(e.personId);
      return left === undefined || left.size === 0 ? e : { ...e, areas: [...new Set([...e.areas, ...left])] };
    });
  }

  /** Appends what was recorded, in the caller's transaction; records nothing twice. */
  async flush(repos: Pick<Repositories, 'feed'>): Promise<number> {
    const events = this.events();
    this.elements.clear();
    this.others.length = 0;
    this.created.clear();
    this.left.clear();
    await repos.feed.append(events);
    return events.length;
  }
}
