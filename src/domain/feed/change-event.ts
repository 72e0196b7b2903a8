/**
 * Change events: what the outbox records of every committed change, and how it reads as a
 * CloudEvent 1.0 (structured JSON). One event per person per change (all the elements one
 * transaction changed for that person travel together), numbered by a global, gap-free sequence in
 * commit order. Pure.
 */

export const EVENT_TYPE_PREFIX = 'cn.populus.';

/** Every event type, in the order the docs list them. */
export const EVENT_TYPES = [
  'cn.populus.person.created',
  'cn.populus.person.updated',
  'cn.populus.person.linked',
  'cn.populus.person.merged',
  'cn.populus.person.unmerged',
  'cn.populus.residence.moved',
  'cn.populus.household.changed',
  'cn.populus.rental.registered',
  'cn.populus.rental.ended',
  'cn.populus.feed.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(s: string): s is EventType {
  return (EVENT_TYPES as readonly string[]).includes(s);
}

/** One element's current value before and after, and the source that now holds it. */
export interface ElementChange {
  readonly element: string;
  readonly old: string | null;
  readonly new: string | null;
  /** The source the new current value comes from (null when the value was cleared). */
  readonly source: string | null;
}

/** What caused a change. Actors are `user:ID` / `token:ID` references, never names. */
export type ChangeCause =
  | { readonly kind: 'import'; readonly batchId: string; readonly sourceId?: string }
  | { readonly kind: 'push'; readonly sourceId: string; readonly batchId?: string }
  | { readonly kind: 'user'; readonly actor: string }
  | { readonly kind: 'merge'; readonly mergeId: string; readonly actor: string }
  | { readonly kind: 'system'; readonly reason?: string }
  /** Rolling back an import batch: the events undo what that batch changed. */
  | { readonly kind: 'rollback'; readonly batchId: string; readonly sourceId: string };

export interface PersonChangedData {
  readonly elements: readonly ElementChange[];
}
export interface PersonLinkedData {
  /** The source whose record now refers to the person, and the rule that linked it. */
  readonly sourceId: string;
  readonly rule: string;
}
export interface PersonMergedData {
  readonly mergeId: string;
  readonly survivorId: string;
  /** The person merged into the survivor (its id now redirects to the survivor). */
  readonly mergedId: string;
}
export interface PersonUnmergedData {
  readonly mergeId: string;
  readonly survivorId: string;
  readonly restoredId: string;
}
export interface Place {
  readonly areaCode: string;
  /** The address as reported (personal data: masked for subscribers without the residence element). */
  readonly address: string | null;
  readonly dwellingId: string | null;
}
export interface ResidenceMovedData {
  /** registered | actual */
  readonly kind: string;
  readonly from: Place | null;
  readonly to: Place | null;
  readonly sourceId: string | null;
}
export interface HouseholdChangedData {
  /** The household the person is now a member of (null: none — the membership left was ended). */
  readonly householdId: string | null;
  /** The relationship to the head in that household (null with no household). */
  readonly relationship: string | null;
  /** The household the person left, if any. */
  readonly fromHouseholdId: string | null;
  readonly sourceId: string | null;
}

/**
 * A rental registration (租赁登记) recorded or ended: it names the tenant's actual address (the
 * dwelling and its area), so it travels only to subscribers who may read the tenant's actual
 * residence. The landlord's name is personal data: masked (王**) unless the subscription unmasks
 * names where its remit allows.
 */
export interface RentalChangedData {
  readonly rentalId: string;
  readonly dwellingId: string | null;
  /** The dwelling's area (committee), when the registration names a dwelling. */
  readonly areaCode: string | null;
  readonly registrationNumber: string;
  readonly landlordName: string | null;
  readonly startDate: string;
  readonly endDate: string | null;
  /** rental.ended: the day from which it is no longer in force. */
  readonly endedOn: string | null;
  /** The source it is recorded from (`manual` for one entered by hand without the owner's source). */
  readonly sourceId: string;
  /** import | api */
  readonly method: string;
}

/** What an event's data is, by type. */
export interface EventDataOf {
  'cn.populus.person.created': PersonChangedData;
  'cn.populus.person.updated': PersonChangedData;
  'cn.populus.person.linked': PersonLinkedData;
  'cn.populus.person.merged': PersonMergedData;
  'cn.populus.person.unmerged': PersonUnmergedData;
  'cn.populus.residence.moved': ResidenceMovedData;
  'cn.populus.household.changed': HouseholdChangedData;
  'cn.populus.rental.registered': RentalChangedData;
  'cn.populus.rental.ended': RentalChangedData;
  'cn.populus.feed.test': { readonly message: string };
}

/** An event to append: the outbox numbers it, stamps it and gives it an id. */
export type NewChangeEvent = {
  [T in EventType]: {
    readonly type: T;
    readonly personId: string | null;
    readonly data: EventDataOf[T];
    readonly cause: ChangeCause;
    /** Area codes the event names itself (a move's old and new area), besides the person's current ones. */
    readonly areas: readonly string[];
  };
}[EventType];

/** An event as stored. */
export type ChangeEvent = NewChangeEvent & {
  readonly seq: number;
  readonly id: string;
  readonly time: string;
  readonly district: string;
};

/** A CloudEvent 1.0 in structured JSON mode. */
export interface CloudEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** Extension attribute: the global sequence number (lowercase alphanumerics only, per the spec). */
  readonly sequence: string;
  readonly data: unknown;
}

/** The CloudEvents `source` of this node: its area, as a URI reference. */
export function cloudEventSource(district: string): string {
  return `/populus/areas/${district}`;
}

/** An event as a CloudEvent, with the data a subscriber may see (already cut and masked). */
export function toCloudEvent(e: ChangeEvent, data: unknown): CloudEvent {
  return {
    specversion: '1.0',
    id: e.id,
    source: cloudEventSource(e.district),
    type: e.type,
    ...(e.personId !== null ? { subject: e.personId } : {}),
    time: e.time,
    datacontenttype: 'application/json',
    sequence: String(e.seq),
    data: { ...(data as object), cause: e.cause },
  };
}
