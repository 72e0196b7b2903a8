/**
 * The NATS JetStream delivery channel (used when NATS_URL is set): a subscription's events are
 * published as structured CloudEvents (JSON) on one subject per department, area and event type,
 *
 *   populus.<departmentId>.<district>.<type without "cn.populus.">   e.g. populus.civil-affairs.310105.person.updated
 *
 * into one stream (default POPULUS_FEED, subjects `populus.>`), created when missing. Every
 * message carries the JetStream message id `<subscription id>:<event id>`, so re-publishing after a
 * crash (the dispatcher had published but not yet advanced its cursor) is dropped by the stream's
 * de-duplication window. `publish` resolves only once JetStream has acknowledged every message:
 * that acknowledgement is what lets the dispatcher advance the subscription's cursor.
 *
 * Messages are pipelined on one connection, so JetStream stores them in the order given. When one
 * publish fails the whole call rejects and the dispatcher retries from the first event; messages
 * already stored are dropped as duplicates, but a message sent after the failed one may then sit
 * before it in the stream — consumers order a person's events by the CloudEvents `sequence`
 * attribute and keep the ids they applied (JetStream is not exactly-once over a crash).
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, JetStreamApiCodes, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { EVENT_TYPE_PREFIX, type CloudEvent } from '../../domain/feed/change-event.ts';

export const DEFAULT_STREAM = 'POPULUS_FEED';
export const DEFAULT_SUBJECT_PREFIX = 'populus';
/** How long the stream remembers message ids to drop re-publishes: covers a dispatcher restart, not a day-long outage. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 15 * 60_000;
/** Messages in flight (published, not yet acknowledged) at once. */
const WINDOW = 256;

export interface NatsChannelOptions {
  /** The stream name; default POPULUS_FEED. */
  readonly stream?: string;
  /** The first subject token; default `populus` (the stream then takes `populus.>`). */
  readonly subjectPrefix?: string;
  readonly duplicateWindowMs?: number;
  /** How long to wait for each acknowledgement; default the client's (5 s). */
  readonly ackTimeoutMs?: number;
  /** The connection's name as the server shows it. */
  readonly name?: string;
}

/** The subscription a publish is for: its id makes the message ids, its department the subjects. */
export interface NatsSubscriptionRef {
  readonly id: string;
  readonly departmentId: string;
}

/** A subject token: no dots, spaces or wildcards. */
const TOKEN = /^[A-Za-z0-9_-]+$/;
/** The area in a CloudEvents source `/populus/areas/<code>`. */
const SOURCE_AREA = /\/areas\/([A-Za-z0-9_-]+)\/?$/;

/** The subject an event is published on. Throws when a part cannot be a subject token. */
export function subjectOf(prefix: string, departmentId: string, event: Pick<CloudEvent, 'source' | 'type'>): string {
  const area = SOURCE_AREA.exec(event.source)?.[1];
  if (area === undefined) throw new Error(`CloudEvent source "${event.source}" names no area`);
  if (!TOKEN.test(departmentId)) throw new Error(`department id "${departmentId}" cannot be a subject token`);
  const suffix = event.type.startsWith(EVENT_TYPE_PREFIX) ? event.type.slice(EVENT_TYPE_PREFIX.length) : event.type;
  if (!suffix.split('.').every((t) => TOKEN.test(t))) throw new Error(`event type "${event.type}" cannot form subject tokens`);
  return `${prefix}.${departmentId}.${area}.${suffix}`;
}

/** The JetStream message id of an event published for a subscription (the stream drops repeats). */
export function messageIdOf(subscriptionId: string, eventId: string): string {
  return `${subscriptionId}:${eventId}`;
}

export class NatsChannel {
  readonly stream: string;
  readonly subjectPrefix: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsChannelOptions,
  ) {
    this.stream = options.stream ?? DEFAULT_STREAM;
    this.subjectPrefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
    if (!TOKEN.test(this.subjectPrefix)) throw new Error(`subject prefix "${this.subjectPrefix}" must be one subject token`);
  }

  /** Connects (the client reconnects on its own afterwards); call ensureStream before publishing. */
  static async connect(url: string, options: NatsChannelOptions = {}): Promise<NatsChannel> {
    const nc = await connect({ servers: url, name: options.name ?? 'populus-feed' });
    try {
      const jsm = await jetstreamManager(nc);
      return new NatsChannel(nc, jetstream(nc), jsm, options);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Creates the stream when it is missing; adds the channel's subjects to an existing stream that lacks them. */
  async ensureStream(): Promise<void> {
    const subjects = `${this.subjectPrefix}.>`;
    const duplicateWindowNs = (this.options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS) * 1_000_000;
    const info = await this.streamInfo();
    if (info === undefined) {
      try {
        await this.jsm.streams.add({ name: this.stream, subjects: [subjects], storage: StorageType.File, duplicate_window: duplicateWindowNs });
        return;
      } catch (e) {
        // Another node created it meanwhile: fall through and check it.
        if ((await this.streamInfo()) === undefined) throw e;
      }
    }
    const existing = (await this.streamInfo())?.config.subjects ?? [];
    if (!existing.includes(subjects)) await this.jsm.streams.update(this.stream, { subjects: [...existing, subjects] });
  }

  /** Publishes the events for a subscription; resolves when JetStream has stored (or recognised as a repeat) every one. */
  async publish(subscription: NatsSubscriptionRef, events: readonly CloudEvent[]): Promise<void> {
    const prepared = events.map((e) => ({ subject: subjectOf(this.subjectPrefix, subscription.departmentId, e), id: messageIdOf(subscription.id, e.id), body: JSON.stringify(e) }));
    for (let i = 0; i < prepared.length; i += WINDOW) {
      const acks = prepared.slice(i, i + WINDOW).map((m) => {
        const h = headers();
        h.set('Content-Type', 'application/cloudevents+json; charset=utf-8');
        h.set('Populus-Subscription', subscription.id);
        return this.js.publish(m.subject, m.body, {
          msgID: m.id,
          headers: h,
          expect: { streamName: this.stream },
          ...(this.options.ackTimeoutMs !== undefined ? { timeout: this.options.ackTimeoutMs } : {}),
        });
      });
      await Promise.all(acks);
    }
  }

  /** Drains what is in flight and closes the connection. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain();
  }

  private async streamInfo(): Promise<Awaited<ReturnType<JetStreamManager['streams']['info']>> | undefined> {
    try {
      return await this.jsm.streams.info(this.stream);
    } catch (e) {
      if (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw e;
    }
  }
}
