import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { ApiTokensTable, TenantsTable, UsersTable } from './tables.js'

export type TenantRow = Selectable<TenantsTable>
export type UserRow = Selectable<UsersTable>
export type TokenRow = Selectable<ApiTokensTable>

/** SQL for tenants, users, roles and tokens. Every method that reads tenant data takes the tenant id first. */
export class IdentityRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findTenantByCode(code: string): Promise<TenantRow | undefined> {
    return this.db
      .selectFrom('tenants')
      .selectAll()
      .where('code_key', '=', code.toLowerCase())
      .executeTakeFirst()
  }

  findTenantById(id: number): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst()
  }

  /** The sole tenant, when exactly one exists. */
  async findSoleTenant(): Promise<TenantRow | undefined> {
    const rows = await this.db.selectFrom('tenants').selectAll().limit(2).execute()
    return rows.length === 1 ? rows[0] : undefined
  }

  async insertTenant(
    db: Kysely<DB>,
    code: string,
    name: string,
    settings: object,
    now: string,
  ): Promise<number> {
    const row = await db
      .insertInto('tenants')
      .values({
        code,
        code_key: code.toLowerCase(),
        name,
        settings: JSON.stringify(settings),
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  findUserByUsername(tenantId: number, username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username)
      .executeTakeFirst()
  }

  findUserById(tenantId: number, userId: number): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .executeTakeFirst()
  }

  async actionsOfUser(tenantId: number, userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .innerJoin('role_actions as ra', 'ra.role_id', 'r.id')
      .select('ra.action')
      .distinct()
      .where('r.tenant_id', '=', tenantId)
      .where('ur.user_id', '=', userId)
      .execute()
    return rows.map((r) => r.action)
  }

  /** Every role name of the tenant, for answering an unknown one with the valid ones. */
  async roleNames(tenantId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('roles')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute()
    return rows.map((r) => r.name)
  }

  async roleIdsByName(
    db: Kysely<DB>,
    tenantId: number,
    names: readonly string[],
  ): Promise<Map<string, number>> {
    if (names.length === 0) return new Map()
    const rows = await db
      .selectFrom('roles')
      .select(['id', 'name'])
      .where('tenant_id', '=', tenantId)
      .where('name', 'in', names)
      .execute()
    return new Map(rows.map((r) => [r.name, r.id]))
  }

  /**
   * Claims one of the account's `threshold` login attempts, atomically, before the password is checked: one
   * conditional UPDATE, so parallel attempts cannot claim more than the threshold between them. Nothing is claimed
   * (undefined) while the account is locked or every attempt is taken; a failure keeps its claim, a success clears
   * them all (`clearLoginFailures`).
   */
  async claimLoginAttempt(
    tenantId: number,
    userId: number,
    threshold: number,
    now: string,
  ): Promise<number | undefined> {
    const row = await this.db
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .where('failed_logins', '<', threshold)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('failed_logins')
      .executeTakeFirst()
    return row?.failed_logins
  }

  /**
   * After a failed password check: locks the account once its claims reach the threshold (the count starts again
   * at 0 under the lock). Returns the lock's end when this failure locked it. Runs in the caller's transaction.
   */
  async lockIfExhausted(
    db: Kysely<DB>,
    tenantId: number,
    userId: number,
    threshold: number,
    now: string,
    lockUntil: string,
  ): Promise<string | undefined> {
    const row = await db
      .updateTable('users')
      .set({ locked_until: lockUntil, failed_logins: 0 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .where('failed_logins', '>=', threshold)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('locked_until')
      .executeTakeFirst()
    return row?.locked_until ?? undefined
  }

  /**
   * After a successful login: clears the failures, unless the account was locked meanwhile (by attempts that
   * failed while this one was being checked); false then, and the login must be refused.
   */
  async clearLoginFailures(tenantId: number, userId: number, now: string): Promise<boolean> {
    const row = await this.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  }

  async touchToken(tenantId: number, tokenId: number, now: string): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', tokenId)
      .execute()
  }

  /** The user's own new password: clears must-change, failures and lock, and voids cached verifications. */
  async setOwnPassword(db: Kysely<DB>, tenantId: number, userId: number, hash: string, now: string) {
    await db
      .updateTable('users')
      .set((eb) => ({
        password_hash: hash,
        must_change_password: 0,
        failed_logins: 0,
        locked_until: null,
        updated_at: now,
        credentials_version: eb('credentials_version', '+', 1),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .execute()
  }
}
