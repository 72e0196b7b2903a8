/**
 * Builds the change feed's services over a store: the gate every delivery goes through, the outbox
 * reader and the subscriptions. The composition root (src/main.ts) calls this once.
 */
import type { AccessServices } from '../access/access-services.ts';
import type { DataElement } from '../domain/standard/types.ts';
import type { KindDefinition } from '../domain/kinds.ts';
import { elementsRead } from '../domain/kinds.ts';
import { PopulusError } from '../domain/errors.ts';
import type { DataAccess } from '../store/repositories.ts';
import { FeedGate, type CodeTranslation, type SubjectFacts } from './feed-gate.ts';
import { codeTranslatorFrom, type ProfileReader } from './code-translation.ts';
import { PullFeed } from './pull-feed.ts';
import { replayDeadLetter, replayFrom, sendTestEvent, type DispatcherOptions } from './dispatcher.ts';
import { SubscriptionService, type DeliveryActions } from './subscription.service.ts';

export interface FeedServices {
  readonly gate: FeedGate;
  readonly data: DataAccess;
  /** Subscriptions: created within the department's remit, their secrets, status and replays. */
  readonly subscriptions: SubscriptionService;
  /** The pull feed, long-polling and Server-Sent Events. */
  readonly pull: PullFeed;
}

export interface FeedOptions {
  readonly elements: readonly DataElement[];
  readonly kinds: readonly KindDefinition[];
  /** Where sources' mapping profiles are read, for subscriptions that want their local codes. */
  readonly profiles?: ProfileReader;
  readonly today?: () => string;
  /** Plain http webhook URLs to hosts other than loopback (default: https required). */
  readonly allowHttpWebhooks?: boolean;
  /** The test-event, dead-letter and replay actions (default: src/feed/dispatcher.ts's, with `dispatch`). */
  readonly deliveryActions?: DeliveryActions;
  /** What the default actions need: the node's district (the source of test events), timeouts, NATS. */
  readonly dispatch?: DispatcherOptions;
}

/** How long a person's areas, buildings and kinds are reused between deliveries (many subscribers receive the same events at about the same time). */
const FACTS_TTL_MS = 1000;
const FACTS_CAPACITY = 50_000;

/**
 * Subject facts read once for every subscriber delivering the same events within FACTS_TTL_MS —
 * but never facts read before the newest event being delivered about the person (a move just
 * committed must not be judged by where the person lived before it).
 */
function factsCache(read: SubjectFacts, head: () => Promise<number>): SubjectFacts {
  type Facts = Awaited<ReturnType<SubjectFacts>> extends ReadonlyMap<string, infer F> ? F : never;
  const cached = new Map<string, { at: number; asOf: string; head: number; facts: Facts | undefined }>();
  return async (ids, asOf, newest) => {
    const now = Date.now();
    const out = new Map<string, Facts>();
    const missing: string[] = [];
    for (const id of ids) {
      const c = cached.get(id);
      if (c && c.asOf === asOf && now - c.at < FACTS_TTL_MS && c.head >= (newest?.get(id) ?? Number.POSITIVE_INFINITY)) {
        if (c.facts) out.set(id, c.facts);
      } else missing.push(id);
    }
    if (missing.length > 0) {
      // The head first: the facts read next are at least as new as every event up to it.
      const seen = await head();
      const fresh = await read(missing, asOf);
      if (cached.size + missing.length > FACTS_CAPACITY) cached.clear();
      for (const id of missing) {
        const f = fresh.get(id);
        cached.set(id, { at: now, asOf, head: seen, facts: f });
        if (f) out.set(id, f);
      }
    }
    return out;
  };
}

/** How long a source's reverse code maps are reused before its profile is read again. */
const TRANSLATION_TTL_MS = 5000;

export function createFeedServices(data: DataAccess, access: Pick<AccessServices, 'policy' | 'audit'>, o: FeedOptions): FeedServices {
  const kindElements = elementsRead(o.kinds);
  const translations = new Map<string, { at: number; translation: Promise<CodeTranslation> }>();
  const profiles = o.profiles;
  const translationFor = profiles
    ? (sourceId: string): Promise<CodeTranslation> => {
        const cached = translations.get(sourceId);
        if (cached && Date.now() - cached.at < TRANSLATION_TTL_MS) return cached.translation;
        const translation = codeTranslatorFrom(profiles, [sourceId]);
        translations.set(sourceId, { at: Date.now(), translation });
        return translation;
      }
    : undefined;
  const gate = new FeedGate({
    policy: access.policy,
    elements: o.elements,
    kinds: o.kinds,
    audit: access.audit,
    facts: factsCache(
      (ids, asOf) => data.repos.persons.subjectFacts(ids, asOf, kindElements),
      async () => (await data.repos.feed.head()).seq,
    ),
    ...(translationFor ? { translationFor } : {}),
    ...(o.today ? { today: o.today } : {}),
  });
  // The actions reach the services built here (the dispatcher takes FeedServices): bound late, through `self`.
  let self: FeedServices | undefined;
  const dispatch = (): DispatcherOptions & { feed: FeedServices } => {
    if (!self || !o.dispatch) throw new PopulusError('NOT_READY', 'webhook delivery is not configured on this node');
    return { ...o.dispatch, feed: self };
  };
  const actions: DeliveryActions = o.deliveryActions ?? {
    sendTestEvent: (id) => sendTestEvent(dispatch(), id),
    replayDeadLetter: (deadLetterId, subscriptionId) => replayDeadLetter(dispatch(), deadLetterId, subscriptionId),
    replayFrom: (id, seq) => replayFrom(dispatch(), id, seq),
  };
  const subscriptions = new SubscriptionService({
    data,
    policy: access.policy,
    elements: o.elements,
    kinds: o.kinds,
    ...(o.allowHttpWebhooks !== undefined ? { allowHttpWebhooks: o.allowHttpWebhooks } : {}),
    ...(o.deliveryActions || o.dispatch ? { actions } : {}),
  });
  const pull = new PullFeed({ gate, feed: data.repos.feed });
  self = { gate, data, subscriptions, pull };
  return self;
}
