/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): a secret is `whsec_` + base64 of
 * random bytes; a message is signed over `<webhook-id>.<webhook-timestamp>.<body>` with
 * HMAC-SHA256 and the header carries `v1,<base64>` once per secret that still signs, separated by
 * spaces — so a receiver that knows either the old or the new secret verifies it during a rotation.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** Secret length in bytes (the convention allows 24–64). */
const SECRET_BYTES = 32;

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of a secret (`whsec_` prefix optional). Throws when the secret holds no key. */
export function secretKey(secret: string): Buffer {
  const raw = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(raw, 'base64');
  if (key.length === 0) throw new Error('a webhook signing secret must hold base64 key bytes');
  return key;
}

/**
 * The `webhook-signature` header value: `v1,<base64 HMAC-SHA256>` for each secret, space-separated.
 * @param timestampSeconds Unix seconds, as sent in `webhook-timestamp`
 */
export function sign(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  const content = `${webhookId}.${String(Math.floor(timestampSeconds))}.${body}`;
  return secrets.map((s) => `v1,${createHmac('sha256', secretKey(s)).update(content, 'utf8').digest('base64')}`).join(' ');
}
