/**
 * One webhook request: a signed POST of one CloudEvent (structured mode,
 * `application/cloudevents+json`) or of a batch (`application/cloudevents-batch+json`, a JSON
 * array), with the Standard Webhooks headers. Redirects are never followed (a 3xx is a failure),
 * a request that takes longer than the timeout fails, and HTTP 410 says the endpoint is gone.
 * Bodies hold personal data: they are never logged, and errors name only status and cause.
 */
import type { CloudEvent } from '../../domain/feed/change-event.ts';
import { sign } from './signing.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const SINGLE_CONTENT_TYPE = 'application/cloudevents+json';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';
const USER_AGENT = 'Populus-Webhooks/1';

export interface WebhookRequest {
  readonly url: string;
  /** Stable across retries of the same delivery. */
  readonly webhookId: string;
  /** Every secret that still signs, newest first. */
  readonly secrets: readonly string[];
  /** One event (structured mode) or a batch (batch mode, even of one). */
  readonly events: readonly CloudEvent[];
  readonly batch: boolean;
  /** Unix seconds; default now. */
  readonly timestampSeconds?: number;
}

export interface SendResult {
  /** 2xx. */
  readonly ok: boolean;
  /** The HTTP status, null when no response came (refused, timed out, bad URL). */
  readonly status: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  /** HTTP 410 Gone: the receiver asks us to stop. */
  readonly gone: boolean;
}

export interface SenderOptions {
  readonly timeoutMs?: number;
}

/** The request body: the event itself, or the array of events in batch mode. */
export function bodyOf(events: readonly CloudEvent[], batch: boolean): string {
  if (batch) return JSON.stringify(events);
  if (events.length !== 1) throw new Error(`a single-event webhook carries exactly one event, not ${events.length}`);
  return JSON.stringify(events[0]);
}

/** Why a request failed, without anything of the request (URLs may carry tokens, bodies personal data). */
function describeFailure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = err.cause?.code;
  if (code) return `request failed: ${code}`;
  return `request failed: ${err.cause?.message ?? (e instanceof Error ? e.message : String(e))}`.slice(0, 300);
}

/** Sends one delivery; never throws for a failed delivery (the result says what happened). */
export async function sendWebhook(req: WebhookRequest, options: SenderOptions = {}): Promise<SendResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const body = bodyOf(req.events, req.batch);
  const ts = req.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let status: number | null = null;
  try {
    const res = await fetch(req.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': req.batch ? BATCH_CONTENT_TYPE : SINGLE_CONTENT_TYPE,
        'user-agent': USER_AGENT,
        'webhook-id': req.webhookId,
        'webhook-timestamp': String(ts),
        'webhook-signature': sign(req.secrets, req.webhookId, ts, body),
      },
      body,
    });
    status = res.status;
    // Drain the answer (bounded by the same timeout) so the connection can be reused; its content is not kept.
    await res.arrayBuffer();
    const durationMs = elapsed();
    if (status >= 200 && status < 300) return { ok: true, status, error: null, durationMs, gone: false };
    if (status >= 300 && status < 400) return { ok: false, status, error: `HTTP ${status}: redirects are not followed`, durationMs, gone: false };
    return { ok: false, status, error: `HTTP ${status}`, durationMs, gone: status === 410 };
  } catch (e) {
    const durationMs = elapsed();
    if (status !== null) {
      // The status came but reading the answer failed: the status decides.
      const ok = status >= 200 && status < 300;
      return { ok, status, error: ok ? null : `HTTP ${status}`, durationMs, gone: status === 410 };
    }
    return { ok: false, status: null, error: describeFailure(e, timeoutMs), durationMs, gone: false };
  }
}
