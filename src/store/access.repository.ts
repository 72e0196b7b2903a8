/**
 * Console users, API tokens of department systems and console sessions. Secrets are stored only
 * as hashes (passwords: scrypt; tokens and session ids: SHA-256); the TOTP secret is kept as is
 * because the server must compute codes from it. No business rules here: the identity service
 * decides, this stores.
 */
import type { Db } from './store.ts';
import type { ApiToken, Role, User, UserStatus } from '../access/principal.ts';
import type { SessionStage } from '../access/identity-policy.ts';
import type { AppUserTable, ApiTokenTable, ConsoleSessionTable } from './access-tables.ts';

/** A user with what only the identity service may see. */
export interface UserRecord extends User {
  readonly passwordHash: string;
  readonly failedLogins: number;
  readonly lockedUntil: string | null;
  readonly totpSecret: string | null;
  readonly totpLastStep: number | null;
}

export interface NewUserRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly departmentId: string | null;
  readonly role: Role;
  readonly areaCodes: readonly string[];
  readonly buildingIds: readonly string[];
  readonly personId: string | null;
  readonly at: string;
}

export interface NewTokenRow {
  readonly id: string;
  readonly departmentId: string;
  readonly name: string;
  readonly purposes: readonly string[];
  readonly tokenHash: string;
  readonly createdBy: string | null;
  readonly at: string;
}

export interface SessionRecord {
  readonly idHash: string;
  readonly userId: string;
  readonly stage: SessionStage;
  readonly csrfSecret: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

const list = (json: string): string[] => JSON.parse(json) as string[];

function toUser(r: AppUserTable): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    departmentId: r.department_id,
    areaCodes: list(r.area_codes),
    buildingIds: list(r.building_ids),
    personId: r.person_id,
    status: r.status as UserStatus,
    totpEnabled: r.totp_secret !== null,
    passwordChangedAt: r.password_changed_at,
    createdAt: r.created_at,
    passwordHash: r.password_hash,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    totpSecret: r.totp_secret,
    totpLastStep: r.totp_last_step,
  };
}

function toToken(r: ApiTokenTable): ApiToken {
  return {
    id: r.id,
    departmentId: r.department_id,
    name: r.name,
    purposes: list(r.purposes),
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

function toSession(r: ConsoleSessionTable): SessionRecord {
  return { idHash: r.id_hash, userId: r.user_id, stage: r.stage as SessionStage, csrfSecret: r.csrf_secret, createdAt: r.created_at, lastSeenAt: r.last_seen_at };
}

export class AccessRepository {
  constructor(private readonly db: Db) {}

  // ---- users

  async insertUser(u: NewUserRow): Promise<void> {
    await this.db
      .insertInto('app_user')
      .values({
        id: u.id,
        username: u.username,
        display_name: u.displayName,
        password_hash: u.passwordHash,
        department_id: u.departmentId,
        role: u.role,
        area_codes: JSON.stringify(u.areaCodes),
        building_ids: JSON.stringify(u.buildingIds),
        person_id: u.personId,
        status: 'active',
        failed_logins: 0,
        locked_until: null,
        totp_secret: null,
        totp_last_step: null,
        password_changed_at: u.at,
        created_at: u.at,
        updated_at: u.at,
      })
      .execute();
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
    return r && toUser(r);
  }

  async findUser(id: string): Promise<UserRecord | undefined> {
    const r = await this.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.selectFrom('app_user').selectAll().orderBy('username').execute()).map(toUser);
  }

  /** Adds one failed login atomically; returns the new count. */
  async incrementFailedLogins(id: string, at: string): Promise<number> {
    const r = await this.db
      .updateTable('app_user')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), updated_at: at }))
      .where('id', '=', id)
      .returning('failed_logins')
      .executeTakeFirst();
    return r?.failed_logins ?? 0;
  }

  async lockUser(id: string, until: string, at: string): Promise<void> {
    await this.db.updateTable('app_user').set({ failed_logins: 0, locked_until: until, updated_at: at }).where('id', '=', id).execute();
  }

  async clearFailedLogins(id: string, at: string): Promise<void> {
    await this.db.updateTable('app_user').set({ failed_logins: 0, locked_until: null, updated_at: at }).where('id', '=', id).execute();
  }

  async setPassword(id: string, passwordHash: string, at: string): Promise<void> {
    await this.db.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: at, updated_at: at }).where('id', '=', id).execute();
  }

  /** Re-hashes with stronger parameters without counting as a password change. */
  async replacePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('app_user').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  }

  async setTotpSecret(id: string, secret: string | null, at: string): Promise<void> {
    await this.db.updateTable('app_user').set({ totp_secret: secret, totp_last_step: null, updated_at: at }).where('id', '=', id).execute();
  }

  /** Records an accepted TOTP step; false when a step at least as late was already used (a replay). */
  async useTotpStep(id: string, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('app_user')
      .set({ totp_last_step: step })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setStatus(id: string, status: UserStatus, at: string): Promise<void> {
    await this.db.updateTable('app_user').set({ status, updated_at: at }).where('id', '=', id).execute();
  }

  // ---- API tokens

  async insertToken(t: NewTokenRow): Promise<void> {
    await this.db
      .insertInto('api_token')
      .values({
        id: t.id,
        department_id: t.departmentId,
        name: t.name,
        purposes: JSON.stringify(t.purposes),
        token_hash: t.tokenHash,
        created_by: t.createdBy,
        created_at: t.at,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  async findTokenByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const r = await this.db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return r && toToken(r);
  }

  async findToken(id: string): Promise<ApiToken | undefined> {
    const r = await this.db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toToken(r);
  }

  async listTokens(departmentId?: string): Promise<ApiToken[]> {
    let q = this.db.selectFrom('api_token').selectAll();
    if (departmentId !== undefined) q = q.where('department_id', '=', departmentId);
    return (await q.orderBy('created_at').execute()).map(toToken);
  }

  /** False when there is no such token or it was already revoked. */
  async revokeToken(id: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('api_token').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  // ---- console sessions

  async insertSession(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('console_session')
      .values({ id_hash: s.idHash, user_id: s.userId, stage: s.stage, csrf_secret: s.csrfSecret, created_at: s.createdAt, last_seen_at: s.lastSeenAt })
      .execute();
  }

  async findSession(idHash: string): Promise<SessionRecord | undefined> {
    const r = await this.db.selectFrom('console_session').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r && toSession(r);
  }

  async touchSession(idHash: string, at: string): Promise<void> {
    await this.db.updateTable('console_session').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  async setSessionStage(idHash: string, stage: SessionStage, at: string): Promise<void> {
    await this.db.updateTable('console_session').set({ stage, last_seen_at: at }).where('id_hash', '=', idHash).execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('console_session').where('id_hash', '=', idHash).execute();
  }

  async deleteSessionsOf(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('console_session').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Removes sessions last seen before `idleBefore` or created before `createdBefore`. */
  async deleteStaleSessions(idleBefore: string, createdBefore: string): Promise<number> {
    const r = await this.db
      .deleteFrom('console_session')
      .where((eb) => eb.or([eb('last_seen_at', '<', idleBefore), eb('created_at', '<', createdBefore)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async departmentExists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('department').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }
}
