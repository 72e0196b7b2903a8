/**
 * The rules of console identity as pure functions over an injected time: login lockout, session
 * idle and absolute timeouts, password age. The numbers are settings (IdentityPolicy).
 */
import { DEFAULT_SCRYPT, type ScryptParams } from './password.ts';

export interface IdentityPolicy {
  /** Consecutive failed logins that lock an account (default 5). */
  readonly maxFailedLogins: number;
  /** How long a locked account stays locked (default 15 minutes). */
  readonly lockoutMinutes: number;
  /** A session unused this long ends (default 15 minutes). */
  readonly idleTimeoutMinutes: number;
  /** A session ends this long after login whatever its use (default 8 hours). */
  readonly absoluteTimeoutHours: number;
  /** Password rotation: days after which a password must be changed; null = never (ASVS 2.1.10, the default). */
  readonly passwordMaxAgeDays: number | null;
  readonly minPasswordLength: number;
  readonly scrypt: ScryptParams;
  /** A token's last-used time is written at most this often, so reads do not each cost a write. */
  readonly tokenTouchSeconds: number;
}

export const DEFAULT_IDENTITY_POLICY: IdentityPolicy = Object.freeze({
  maxFailedLogins: 5,
  lockoutMinutes: 15,
  idleTimeoutMinutes: 15,
  absoluteTimeoutHours: 8,
  passwordMaxAgeDays: null,
  minPasswordLength: 12,
  scrypt: DEFAULT_SCRYPT,
  tokenTouchSeconds: 60,
});

const MINUTE = 60_000;

export function isLocked(lockedUntil: string | null, now: Date): boolean {
  return lockedUntil !== null && Date.parse(lockedUntil) > now.getTime();
}

/** The failure counter and lock after one more failed login. */
export function afterFailedLogin(failedLogins: number, now: Date, policy: IdentityPolicy): { failedLogins: number; lockedUntil: string | null } {
  const failed = failedLogins + 1;
  if (failed >= policy.maxFailedLogins) return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.lockoutMinutes * MINUTE).toISOString() };
  return { failedLogins: failed, lockedUntil: null };
}

export type SessionState = 'live' | 'idle' | 'expired';

/** live; idle = unused for longer than the idle timeout; expired = older than the absolute timeout. */
export function sessionState(createdAt: string, lastSeenAt: string, now: Date, policy: IdentityPolicy): SessionState {
  const t = now.getTime();
  if (t - Date.parse(createdAt) >= policy.absoluteTimeoutHours * 60 * MINUTE) return 'expired';
  if (t - Date.parse(lastSeenAt) >= policy.idleTimeoutMinutes * MINUTE) return 'idle';
  return 'live';
}

export function passwordExpired(changedAt: string, now: Date, policy: IdentityPolicy): boolean {
  if (policy.passwordMaxAgeDays === null) return false;
  return now.getTime() - Date.parse(changedAt) >= policy.passwordMaxAgeDays * 24 * 60 * MINUTE;
}

/** Checks a policy read from configuration; returns the problems. */
export function identityPolicyProblems(p: IdentityPolicy): string[] {
  const problems: string[] = [];
  const positive = (name: string, v: number): void => {
    if (!Number.isFinite(v) || v <= 0) problems.push(`${name} must be a positive number`);
  };
  positive('maxFailedLogins', p.maxFailedLogins);
  positive('lockoutMinutes', p.lockoutMinutes);
  positive('idleTimeoutMinutes', p.idleTimeoutMinutes);
  positive('absoluteTimeoutHours', p.absoluteTimeoutHours);
  if (p.passwordMaxAgeDays !== null) positive('passwordMaxAgeDays', p.passwordMaxAgeDays);
  if (p.idleTimeoutMinutes > p.absoluteTimeoutHours * 60) problems.push('the idle timeout cannot exceed the absolute timeout');
  if (p.minPasswordLength < 8) problems.push('minPasswordLength must be at least 8');
  return problems;
}

/**
 * What a console session may do: `second-factor` — only verify a TOTP code; `password-change` —
 * only change the expired password; `active` — everything the user's role allows.
 */
export const SESSION_STAGES = ['second-factor', 'password-change', 'active'] as const;
export type SessionStage = (typeof SESSION_STAGES)[number];
