/**
 * The one door through which change events leave Populus — to webhooks, the pull feed, Server-Sent
 * Events and NATS alike. Each event is cut to what the subscriber may see, by the same remit
 * policy as every read (src/access/remit-policy.ts): the person must be in the subscriber's remit
 * (its current areas, or the areas the event itself names, such as a move's old address), only
 * readable elements travel, identity numbers and phones are masked unless the subscription may and
 * asked to unmask, coded values can be translated back to the department's local codes, and
 * every disclosure is an audit entry, durable before the events go out.
 */
import { PopulusError } from '../domain/errors.ts';
import { toCloudEvent, type ChangeEvent, type CloudEvent, type ElementChange } from '../domain/feed/change-event.ts';
import type { Subscription, SubscriptionFilter } from '../domain/feed/subscription.ts';
import { kindsOf, type KindDefinition } from '../domain/kinds.ts';
import { HOUSEHOLD_ELEMENT, RESIDENCE_ELEMENT } from '../domain/registry/element-ids.ts';
import { maskName } from '../domain/registry/rental.ts';
import type { DataElement } from '../domain/standard/types.ts';
import type { AuditService } from '../access/audit.service.ts';
import { maskKindOfId, maskValue } from '../access/masking.ts';
import { principalOfSubscription, type Principal } from '../access/principal.ts';
import type { Access, RemitPolicy, Subject } from '../access/remit-policy.ts';

/** Standard code → the department's local code, for the elements a source's profile codes. */
export interface CodeTranslation {
  /** undefined: the profile does not code the element (the value travels as it is). */
  translate(sourceId: string, elementId: string, standardValue: string | null): { value: string | null; standard: boolean } | undefined;
}

type Translate = (elementId: string, value: string | null) => { value: string | null; standard: boolean } | undefined;

/** What the policy needs of persons, read in one go: current areas, buildings and the values kinds depend on. */
export type SubjectFacts = (
  personIds: readonly string[],
  asOf: string,
  /** The newest event of each person being delivered: facts older than it must not be used. */
  newest?: ReadonlyMap<string, number>,
) => Promise<ReadonlyMap<string, { readonly areaCodes: ReadonlySet<string>; readonly buildingIds: ReadonlySet<string>; readonly values: ReadonlyMap<string, string> }>>;

export interface FeedGateDeps {
  readonly policy: RemitPolicy;
  readonly elements: readonly DataElement[];
  readonly kinds: readonly KindDefinition[];
  readonly facts: SubjectFacts;
  readonly audit: AuditService;
  /** The translation into one source's local codes (a subscription's code profile). */
  readonly translationFor?: (sourceId: string) => Promise<CodeTranslation>;
  readonly today?: () => string;
}

/** Who receives, for which purpose, asking for what. */
export interface Subscriber {
  readonly principal: Principal;
  readonly purpose: string;
  readonly filter: SubscriptionFilter;
  readonly codeProfile: string | null;
  readonly unmask: boolean;
}

export const EVERYTHING: SubscriptionFilter = { elements: [], areas: [], categories: [], eventTypes: [] };

export function subscriberOf(s: Subscription): Subscriber {
  return { principal: principalOfSubscription(s), purpose: s.purpose, filter: s, codeProfile: s.codeProfile, unmask: s.unmask };
}

/** An element change as delivered: masked and, where the subscriber asked, in its local codes. */
export interface DeliveredChange extends ElementChange {
  readonly masked?: true;
  /** A value that has no local code in the subscriber's profile travels as the standard code, flagged. */
  readonly standardCode?: true;
}

export class FeedGate {
  private readonly elements: ReadonlyMap<string, DataElement>;
  /**
   * A person's kinds, worked out once per facts read: the facts cache hands every subscriber
   * delivering the same events the same facts object, so twenty subscriptions compute them once.
   */
  private readonly kindsOfFacts = new WeakMap<object, { readonly asOf: string; readonly kinds: string[] }>();

  constructor(private readonly deps: FeedGateDeps) {
    this.elements = new Map(deps.elements.map((e) => [e.id, e]));
  }

  private today(): string {
    return this.deps.today?.() ?? new Date().toISOString().slice(0, 10);
  }

  /** The subscriber's access for its purpose; PURPOSE_NOT_ALLOWED (or PURPOSE_REQUIRED) when the remit no longer allows it. */
  accessOf(s: Subscriber): Access {
    const check = this.deps.policy.check(s.principal, s.purpose);
    if (!check.ok) throw new PopulusError(check.code, `the purpose ${s.purpose} is not within the remit of ${s.principal.departmentId ?? 'this subscriber'}`, { purpose: s.purpose });
    return check.access;
  }

  /**
   * The events this subscriber may receive, as CloudEvents, in sequence order; the disclosure is
   * audited (one entry for the whole delivery) before this returns. Events it may not see are
   * left out, as if they had not happened.
   */
  async disclose(events: readonly ChangeEvent[], s: Subscriber, requestId: string | null = null): Promise<CloudEvent[]> {
    const access = this.accessOf(s);
    const f = s.filter;
    const profile = s.codeProfile;
    const translation = profile !== null && this.deps.translationFor ? await this.deps.translationFor(profile) : undefined;
    const translate = translation && profile !== null ? (elementId: string, v: string | null) => translation.translate(profile, elementId, v) : undefined;
    const wanted = f.eventTypes.length === 0 ? events : events.filter((e) => f.eventTypes.includes(e.type) || e.type === 'cn.populus.feed.test');
    if (wanted.length === 0) return [];
    const asOf = this.today();
    const newest = new Map<string, number>();
    for (const e of wanted) if (e.personId !== null) newest.set(e.personId, Math.max(newest.get(e.personId) ?? 0, e.seq));
    const facts = newest.size === 0 ? new Map() : await this.deps.facts([...newest.keys()], asOf, newest);
    const out: CloudEvent[] = [];
    const persons = new Set<string>();
    const disclosed = new Set<string>();
    const unmasked = new Set<string>();
    // A person's subject once per delivery (kinds are worked out from values); an event adds the areas it names.
    const subjects = new Map<string, Subject>();
    const subjectOf = (personId: string): Subject => {
      let found = subjects.get(personId);
      if (!found) {
        const known = facts.get(personId);
        found = { personId, areaCodes: [...(known?.areaCodes ?? [])], buildingIds: [...(known?.buildingIds ?? [])], kinds: this.kindsOf(known, asOf) };
        subjects.set(personId, found);
      }
      return found;
    };
    // What the subscriber may read (and unmask) of a person, once per subject of the delivery.
    const allowed = new Map<Subject, { readable: ReadonlySet<string>; unmaskable: ReadonlySet<string> }>();
    const allowedOf = (subject: Subject): { readable: ReadonlySet<string>; unmaskable: ReadonlySet<string> } => {
      let a = allowed.get(subject);
      if (!a) {
        let readable = access.readable(subject);
        if (f.elements.length > 0) readable = new Set([...readable].filter((x) => f.elements.includes(x)));
        a = { readable, unmaskable: s.unmask ? access.unmaskable(subject) : new Set<string>() };
        allowed.set(subject, a);
      }
      return a;
    };
    for (const e of wanted) {
      if (e.personId === null) {
        out.push(toCloudEvent(e, e.data));
        continue;
      }
      const base = subjectOf(e.personId);
      const subject: Subject = e.areas.length === 0 ? base : { ...base, areaCodes: [...new Set([...base.areaCodes, ...e.areas])] };
      if (!access.canSee(subject)) continue;
      if (f.areas.length > 0 && !subject.areaCodes.some((a) => f.areas.some((p) => a.startsWith(p)))) continue;
      if (f.categories.length > 0 && !subject.kinds.some((k) => f.categories.includes(k))) continue;
      const { readable, unmaskable } = allowedOf(subject);
      const data = this.cut(e, readable, unmaskable, translate, disclosed, unmasked);
      if (data === undefined) continue;
      persons.add(e.personId);
      out.push(toCloudEvent(e, data));
    }
    if (out.length > 0) {
      await this.deps.audit.record(
        { principal: s.principal, purpose: s.purpose },
        { action: 'feed.deliver', personIds: [...persons].sort(), elementIds: [...disclosed].sort(), result: 'ok', requestId, unmasked: [...unmasked].sort() },
      );
    }
    return out;
  }

  private kindsOf(known: { readonly values: ReadonlyMap<string, string> } | undefined, asOf: string): string[] {
    if (!known) return kindsOf(this.deps.kinds, { values: new Map(), asOf });
    const hit = this.kindsOfFacts.get(known);
    if (hit && hit.asOf === asOf) return hit.kinds;
    const kinds = kindsOf(this.deps.kinds, { values: known.values, asOf });
    this.kindsOfFacts.set(known, { asOf, kinds });
    return kinds;
  }

  /** An event's data as this subscriber may see it, or undefined when nothing of it is for them. */
  private cut(e: ChangeEvent, readable: ReadonlySet<string>, unmaskable: ReadonlySet<string>, translate: Translate | undefined, disclosed: Set<string>, unmasked: Set<string>): unknown {
    switch (e.type) {
      case 'cn.populus.person.created':
      case 'cn.populus.person.updated': {
        const elements = e.data.elements.filter((c) => readable.has(c.element)).map((c) => this.deliver(c, unmaskable, translate, unmasked));
        if (elements.length === 0 && (e.type === 'cn.populus.person.updated' || readable.size === 0)) return undefined;
        for (const c of elements) disclosed.add(c.element);
        return { elements };
      }
      case 'cn.populus.residence.moved': {
        const element = RESIDENCE_ELEMENT[e.data.kind as keyof typeof RESIDENCE_ELEMENT];
        if (element === undefined || !readable.has(element)) return undefined;
        disclosed.add(element);
        return e.data;
      }
      case 'cn.populus.household.changed':
        if (!readable.has(HOUSEHOLD_ELEMENT)) return undefined;
        disclosed.add(HOUSEHOLD_ELEMENT);
        return e.data;
      case 'cn.populus.rental.registered':
      case 'cn.populus.rental.ended': {
        // A rental names the tenant's actual address: as a dwelling's read names a tenant only to whoever may read it.
        if (!readable.has(RESIDENCE_ELEMENT.actual)) return undefined;
        disclosed.add(RESIDENCE_ELEMENT.actual);
        const landlord = e.data.landlordName;
        if (landlord === null) return { ...e.data, landlordNameMasked: false };
        if (unmaskable.has('person.name')) {
          unmasked.add('person.name');
          return { ...e.data, landlordNameMasked: false };
        }
        return { ...e.data, landlordName: maskName(landlord), landlordNameMasked: true };
      }
      case 'cn.populus.person.linked':
      case 'cn.populus.person.merged':
      case 'cn.populus.person.unmerged':
      case 'cn.populus.feed.test':
        return e.data;
    }
  }

  private deliver(c: ElementChange, unmaskable: ReadonlySet<string>, translate: Translate | undefined, unmasked: Set<string>): DeliveredChange {
    const kind = maskKindOfId(this.elements, c.element);
    let old = c.old;
    let now = c.new;
    let masked = false;
    if (kind !== 'none') {
      if (unmaskable.has(c.element)) {
        if (old !== null || now !== null) unmasked.add(c.element);
      } else {
        old = old === null ? null : maskValue(kind, old);
        now = now === null ? null : maskValue(kind, now);
        masked = true;
      }
    }
    let standardCode = false;
    if (translate) {
      const a = translate(c.element, old);
      const b = translate(c.element, now);
      if (a) {
        old = a.value;
        standardCode ||= a.standard && old !== null;
      }
      if (b) {
        now = b.value;
        standardCode ||= b.standard && now !== null;
      }
    }
    return { element: c.element, old, new: now, source: c.source, ...(masked ? { masked: true as const } : {}), ...(standardCode ? { standardCode: true as const } : {}) };
  }

}
