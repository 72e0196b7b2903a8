/**
 * Console users, their sessions and second factor, and the API tokens of department systems.
 * Login refusals are one answer (AUTHENTICATION_FAILED) whether the user is unknown, the
 * password wrong, the account locked or disabled, and cost the same scrypt work, so neither the
 * message nor the timing tells whether a username exists. Secrets are returned once and stored
 * only as hashes.
 */
import { PopulusError } from '../domain/errors.ts';
import { newId } from '../store/clock.ts';
import type { AccessRepository, SessionRecord, UserRecord } from '../store/access.repository.ts';
import { afterFailedLogin, DEFAULT_IDENTITY_POLICY, isLocked, passwordExpired, sessionState, type IdentityPolicy, type SessionStage } from './identity-policy.ts';
import { hashPassword, needsRehash, passwordProblems, verifyPassword } from './password.ts';
import { isRole, principalOfToken, principalOfUser, scopeProblems, type ApiToken, type Principal, type Role, type User } from './principal.ts';
import { csrfToken, newApiToken, newSecret, sha256Hex, TOKEN_PREFIX, checkCsrfToken } from './secrets.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
  readonly role: Role;
  readonly departmentId?: string | null;
  readonly areaCodes?: readonly string[];
  readonly buildingIds?: readonly string[];
  readonly personId?: string | null;
}

export interface NewToken {
  readonly departmentId: string;
  readonly name: string;
  readonly purposes: readonly string[];
  /** Who created it (a user id), for the record. */
  readonly createdBy?: string | null;
}

/** A console session as the API sees it. The raw session id only ever travels in the cookie. */
export interface SessionInfo {
  readonly user: User;
  readonly principal: Principal;
  readonly stage: SessionStage;
  /** Send back in a header on every state-changing request. */
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** When the session ends if unused, and when it ends regardless. */
  readonly idleExpiresAt: string;
  readonly absoluteExpiresAt: string;
}

export interface LoginResult extends SessionInfo {
  /** The opaque session id for the cookie; shown once, stored only as its SHA-256. */
  readonly sessionId: string;
}

export interface IdentityDeps {
  readonly repo: AccessRepository;
  /** The purposes a department's remit allows (RemitPolicy.departmentPurposes). */
  readonly departmentPurposes: (departmentId: string) => ReadonlySet<string>;
  readonly policy?: IdentityPolicy;
  readonly clock?: () => Date;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const refused = (): PopulusError =>
  new PopulusError('AUTHENTICATION_FAILED', 'login refused: wrong username, password or code — or the account is locked for a while after repeated failures');
const expired = (): PopulusError => new PopulusError('SESSION_EXPIRED', 'the session has ended; log in again');

function publicUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    departmentId: u.departmentId,
    areaCodes: u.areaCodes,
    buildingIds: u.buildingIds,
    personId: u.personId,
    status: u.status,
    totpEnabled: u.totpEnabled,
    passwordChangedAt: u.passwordChangedAt,
    createdAt: u.createdAt,
  };
}

export class IdentityService {
  private readonly repo: AccessRepository;
  private readonly departmentPurposes: (departmentId: string) => ReadonlySet<string>;
  readonly policy: IdentityPolicy;
  private readonly clock: () => Date;
  private dummyHash: Promise<string> | undefined;
  /** Recently seen tokens by hash, so a busy department system costs no token look-up per request. */
  private readonly tokenCache = new Map<string, { token: ApiToken; until: number }>();
  /** How long a token is trusted from the cache; a revocation in another process takes at most this long. */
  static readonly TOKEN_CACHE_MS = 5000;

  constructor(deps: IdentityDeps) {
    this.repo = deps.repo;
    this.departmentPurposes = deps.departmentPurposes;
    this.policy = deps.policy ?? DEFAULT_IDENTITY_POLICY;
    this.clock = deps.clock ?? (() => new Date());
  }

  private now(): Date {
    return this.clock();
  }

  // ---- users

  async createUser(input: NewUser): Promise<User> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) throw new PopulusError('INVALID_VALUE', 'a username is 3–64 lower-case letters, digits, dots, dashes or underscores', { field: 'username' });
    const displayName = input.displayName.trim();
    if (displayName === '' || displayName.length > 100) throw new PopulusError('INVALID_VALUE', 'a display name has 1–100 characters', { field: 'displayName' });
    if (!isRole(input.role)) throw new PopulusError('INVALID_VALUE', `unknown role ${String(input.role)}`, { field: 'role' });
    const scope = {
      role: input.role,
      departmentId: input.departmentId ?? null,
      areaCodes: [...new Set(input.areaCodes ?? [])],
      buildingIds: [...new Set(input.buildingIds ?? [])],
      personId: input.personId ?? null,
    };
    const problems = scopeProblems(scope);
    if (problems.length > 0) throw new PopulusError('INVALID_VALUE', problems.join('; '), { field: 'role', problems });
    if (scope.departmentId !== null && !(await this.repo.departmentExists(scope.departmentId))) {
      throw new PopulusError('DEPARTMENT_NOT_FOUND', `no department ${scope.departmentId}`, { department: scope.departmentId });
    }
    this.checkPassword(input.password);
    if (await this.repo.findUserByUsername(username)) throw new PopulusError('USER_EXISTS', `the username ${username} is taken`, { username });
    const id = newId();
    const passwordHash = await hashPassword(input.password, this.policy.scrypt);
    try {
      await this.repo.insertUser({ id, username, displayName, passwordHash, ...scope, at: this.now().toISOString() });
    } catch (e) {
      if (await this.repo.findUserByUsername(username)) throw new PopulusError('USER_EXISTS', `the username ${username} is taken`, { username });
      throw e;
    }
    return this.getUser(id);
  }

  async getUser(id: string): Promise<User> {
    const u = await this.repo.findUser(id);
    if (!u) throw new PopulusError('USER_NOT_FOUND', 'no such user', { user: id });
    return publicUser(u);
  }

  async findUserByUsername(username: string): Promise<User | undefined> {
    const u = await this.repo.findUserByUsername(username.trim().toLowerCase());
    return u && publicUser(u);
  }

  async listUsers(): Promise<User[]> {
    return (await this.repo.listUsers()).map(publicUser);
  }

  /** Disables an account and ends its sessions. */
  async disableUser(id: string): Promise<void> {
    await this.getUser(id);
    await this.repo.setStatus(id, 'disabled', this.now().toISOString());
    await this.repo.deleteSessionsOf(id);
  }

  async enableUser(id: string): Promise<void> {
    await this.getUser(id);
    await this.repo.setStatus(id, 'active', this.now().toISOString());
  }

  /** Lifts a lockout before it runs out (an administrator's action). */
  async unlockUser(id: string): Promise<void> {
    await this.getUser(id);
    await this.repo.clearFailedLogins(id, this.now().toISOString());
  }

  private checkPassword(password: string): void {
    const problems = passwordProblems(password, this.policy.minPasswordLength);
    if (problems.length > 0) throw new PopulusError('WEAK_PASSWORD', problems.join('; '), { problems });
  }

  /** An administrator sets a new password: the user's sessions end. */
  async setPassword(userId: string, password: string): Promise<void> {
    await this.getUser(userId);
    this.checkPassword(password);
    await this.repo.setPassword(userId, await hashPassword(password, this.policy.scrypt), this.now().toISOString());
    await this.repo.deleteSessionsOf(userId);
  }

  /** The user changes their own password (the current one is required); their other sessions end. */
  async changePassword(sessionId: string, current: string, next: string): Promise<SessionInfo> {
    const { record, user } = await this.liveSession(sessionId);
    if (record.stage === 'second-factor') throw new PopulusError('SECOND_FACTOR_REQUIRED', 'enter the code from your authenticator app first');
    this.checkPassword(next);
    if (!(await verifyPassword(current, user.passwordHash))) throw refused();
    if (current === next) throw new PopulusError('WEAK_PASSWORD', 'the new password must differ from the current one', { problems: ['same as the current password'] });
    const at = this.now().toISOString();
    await this.repo.setPassword(user.id, await hashPassword(next, this.policy.scrypt), at);
    await this.repo.deleteSessionsOf(user.id);
    const fresh: SessionRecord = { ...record, stage: 'active', lastSeenAt: at };
    await this.repo.insertSession(fresh);
    return this.info(fresh, (await this.repo.findUser(user.id)) ?? user);
  }

  // ---- second factor

  /** A new TOTP secret and its otpauth:// URI for the user to scan; nothing is stored until enableTotp. */
  beginTotp(username: string): { secret: string; uri: string } {
    const secret = newTotpSecret();
    return { secret, uri: totpUri(secret, username) };
  }

  /** Turns the second factor on once the user proves their app produces the right code. */
  async enableTotp(userId: string, secret: string, code: string): Promise<void> {
    await this.getUser(userId);
    const step = await checkTotp(secret, code, this.now(), null);
    if (step === undefined) throw refused();
    await this.repo.setTotpSecret(userId, secret, this.now().toISOString());
    await this.repo.useTotpStep(userId, step);
  }

  async disableTotp(userId: string): Promise<void> {
    await this.getUser(userId);
    await this.repo.setTotpSecret(userId, null, this.now().toISOString());
  }

  // ---- login and sessions

  private async spendEqualTime(password: string): Promise<void> {
    this.dummyHash ??= hashPassword('populus-dummy-password', this.policy.scrypt);
    await verifyPassword(password, await this.dummyHash);
  }

  private async recordFailure(user: UserRecord): Promise<void> {
    const now = this.now();
    const failed = await this.repo.incrementFailedLogins(user.id, now.toISOString());
    const next = afterFailedLogin(failed - 1, now, this.policy);
    if (next.lockedUntil !== null) {
      await this.repo.lockUser(user.id, next.lockedUntil, now.toISOString());
      await this.repo.deleteSessionsOf(user.id);
    }
  }

  /** Checks username and password; returns a new session (waiting for the second factor if the user has one). */
  async authenticate(username: string, password: string): Promise<LoginResult> {
    const user = await this.repo.findUserByUsername(username.trim().toLowerCase());
    const now = this.now();
    if (!user || user.status !== 'active' || isLocked(user.lockedUntil, now)) {
      await this.spendEqualTime(password);
      throw refused();
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.recordFailure(user);
      throw refused();
    }
    if (user.failedLogins > 0 || user.lockedUntil !== null) await this.repo.clearFailedLogins(user.id, now.toISOString());
    if (needsRehash(user.passwordHash, this.policy.scrypt)) await this.repo.replacePasswordHash(user.id, await hashPassword(password, this.policy.scrypt));
    const stage: SessionStage = user.totpSecret !== null ? 'second-factor' : passwordExpired(user.passwordChangedAt, now, this.policy) ? 'password-change' : 'active';
    return this.openSession(user, stage, now.toISOString());
  }

  private async openSession(user: UserRecord, stage: SessionStage, createdAt: string): Promise<LoginResult> {
    const sessionId = newSecret(32);
    const record: SessionRecord = { idHash: sha256Hex(sessionId), userId: user.id, stage, csrfSecret: newSecret(32), createdAt, lastSeenAt: this.now().toISOString() };
    await this.repo.insertSession(record);
    return { sessionId, ...this.info(record, user) };
  }

  /**
   * Verifies the TOTP code of a session waiting for it. A wrong code counts as a failed login.
   * The session id changes (the old one ends), so a session id seen before the second factor is worthless.
   */
  async verifySecondFactor(sessionId: string, code: string): Promise<LoginResult> {
    const { record, user } = await this.liveSession(sessionId);
    if (record.stage !== 'second-factor' || user.totpSecret === null) throw refused();
    const now = this.now();
    const step = await checkTotp(user.totpSecret, code.trim(), now, user.totpLastStep);
    if (step === undefined || !(await this.repo.useTotpStep(user.id, step))) {
      await this.recordFailure(user);
      throw refused();
    }
    await this.repo.deleteSession(record.idHash);
    const stage: SessionStage = passwordExpired(user.passwordChangedAt, now, this.policy) ? 'password-change' : 'active';
    return this.openSession(user, stage, record.createdAt);
  }

  private async liveSession(sessionId: string): Promise<{ record: SessionRecord; user: UserRecord }> {
    const idHash = sha256Hex(sessionId);
    const record = await this.repo.findSession(idHash);
    if (!record) throw expired();
    const now = this.now();
    if (sessionState(record.createdAt, record.lastSeenAt, now, this.policy) !== 'live') {
      await this.repo.deleteSession(idHash);
      throw expired();
    }
    const user = await this.repo.findUser(record.userId);
    if (!user || user.status !== 'active' || isLocked(user.lockedUntil, now)) {
      await this.repo.deleteSession(idHash);
      throw expired();
    }
    return { record, user };
  }

  private async touch(sessionId: string): Promise<{ record: SessionRecord; user: UserRecord }> {
    const { record, user } = await this.liveSession(sessionId);
    const at = this.now().toISOString();
    await this.repo.touchSession(record.idHash, at);
    return { record: { ...record, lastSeenAt: at }, user };
  }

  /** Resumes a session on a request: checks the timeouts and records the use. Any stage. */
  async resume(sessionId: string): Promise<SessionInfo> {
    const { record, user } = await this.touch(sessionId);
    return this.info(record, user);
  }

  /**
   * As resume(), for requests that need a fully logged-in user. With `csrf`, the request changes
   * something and must carry the session's CSRF token (SessionInfo.csrfToken).
   */
  async requireActive(sessionId: string, csrf?: { readonly token: string | undefined }): Promise<SessionInfo> {
    const { record, user } = await this.touch(sessionId);
    if (record.stage === 'second-factor') throw new PopulusError('SECOND_FACTOR_REQUIRED', 'enter the code from your authenticator app first');
    if (record.stage === 'password-change') throw new PopulusError('PASSWORD_CHANGE_REQUIRED', 'your password has expired; change it first');
    if (csrf !== undefined && (csrf.token === undefined || !checkCsrfToken(record.csrfSecret, csrf.token))) {
      throw new PopulusError('CSRF_INVALID', 'the CSRF token is missing or wrong');
    }
    return this.info(record, user);
  }

  async logout(sessionId: string): Promise<void> {
    await this.repo.deleteSession(sha256Hex(sessionId));
  }

  /** Deletes sessions past their idle or absolute timeout; returns how many. */
  async purgeStaleSessions(): Promise<number> {
    const t = this.now().getTime();
    const idleBefore = new Date(t - this.policy.idleTimeoutMinutes * 60_000).toISOString();
    const createdBefore = new Date(t - this.policy.absoluteTimeoutHours * 3_600_000).toISOString();
    return this.repo.deleteStaleSessions(idleBefore, createdBefore);
  }

  private info(record: SessionRecord, user: UserRecord): SessionInfo {
    const pub = publicUser(user);
    const idle = Date.parse(record.lastSeenAt) + this.policy.idleTimeoutMinutes * 60_000;
    const absolute = Date.parse(record.createdAt) + this.policy.absoluteTimeoutHours * 3_600_000;
    return {
      user: pub,
      principal: principalOfUser(pub),
      stage: record.stage,
      csrfToken: csrfToken(record.csrfSecret),
      createdAt: record.createdAt,
      lastSeenAt: record.lastSeenAt,
      idleExpiresAt: new Date(Math.min(idle, absolute)).toISOString(),
      absoluteExpiresAt: new Date(absolute).toISOString(),
    };
  }

  // ---- API tokens

  /** Issues a token for a department system. The token is in the result once and never again. */
  async createToken(input: NewToken): Promise<{ token: string; record: ApiToken }> {
    if (!(await this.repo.departmentExists(input.departmentId))) {
      throw new PopulusError('DEPARTMENT_NOT_FOUND', `no department ${input.departmentId}`, { department: input.departmentId });
    }
    const name = input.name.trim();
    if (name === '' || name.length > 100) throw new PopulusError('INVALID_VALUE', 'a token name has 1–100 characters', { field: 'name' });
    const purposes = [...new Set(input.purposes)].sort();
    if (purposes.length === 0) throw new PopulusError('PURPOSE_REQUIRED', 'a token is issued for one or more purposes');
    const allowed = this.departmentPurposes(input.departmentId);
    const outside = purposes.filter((p) => !allowed.has(p));
    if (outside.length > 0) {
      throw new PopulusError('PURPOSE_NOT_ALLOWED', `not within the remit of ${input.departmentId}: ${outside.join(', ')}`, { purpose: outside.join(','), allowed: [...allowed].sort() });
    }
    const token = newApiToken();
    const id = newId();
    await this.repo.insertToken({ id, departmentId: input.departmentId, name, purposes, tokenHash: sha256Hex(token), createdBy: input.createdBy ?? null, at: this.now().toISOString() });
    const record = await this.repo.findToken(id);
    if (!record) throw new Error('token vanished after insert');
    return { token, record };
  }

  async listTokens(departmentId?: string): Promise<ApiToken[]> {
    return this.repo.listTokens(departmentId);
  }

  async revokeToken(id: string): Promise<void> {
    for (const [hash, entry] of this.tokenCache) if (entry.token.id === id) this.tokenCache.delete(hash);
    if (!(await this.repo.revokeToken(id, this.now().toISOString()))) throw new PopulusError('TOKEN_NOT_FOUND', 'no such token, or it was already revoked', { tokenId: id });
  }

  /** The principal of a bearer token; TOKEN_INVALID when it is unknown or revoked. */
  async authenticateToken(bearer: string | undefined): Promise<Principal> {
    if (bearer === undefined || !bearer.startsWith(TOKEN_PREFIX) || bearer.length > 200) throw new PopulusError('TOKEN_INVALID', 'the API token is missing, unknown or revoked');
    const hash = sha256Hex(bearer);
    const now = this.now();
    const cached = this.tokenCache.get(hash);
    if (cached && cached.until > now.getTime()) return principalOfToken(cached.token);
    const token = await this.repo.findTokenByHash(hash);
    if (!token || token.revokedAt !== null) throw new PopulusError('TOKEN_INVALID', 'the API token is missing, unknown or revoked');
    if (this.tokenCache.size > 10_000) this.tokenCache.clear();
    this.tokenCache.set(hash, { token, until: now.getTime() + IdentityService.TOKEN_CACHE_MS });
    if (token.lastUsedAt === null || now.getTime() - Date.parse(token.lastUsedAt) >= this.policy.tokenTouchSeconds * 1000) {
      await this.repo.touchToken(token.id, now.toISOString());
    }
    return principalOfToken(token);
  }
}
