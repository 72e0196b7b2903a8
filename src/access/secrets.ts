/** Opaque random secrets (session ids, API tokens, CSRF secrets), their stored hashes, and constant-time comparison. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** API tokens carry a recognisable prefix (secret scanners can find leaked ones). */
export const TOKEN_PREFIX = 'ppl_';

export function newApiToken(): string {
  return TOKEN_PREFIX + newSecret(32);
}

/** What is stored instead of a token or session id: its SHA-256, hex. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The CSRF token of a session: an HMAC of the session's CSRF secret, so the secret itself never travels. */
export function csrfToken(csrfSecret: string): string {
  return createHmac('sha256', csrfSecret).update('populus-csrf').digest('base64url');
}

export function checkCsrfToken(csrfSecret: string, token: string): boolean {
  return constantTimeEqual(csrfToken(csrfSecret), token);
}
