import { sql, type Kysely, type Updateable } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { UserRow, TokenRow } from '../repository.js'
import type { RolesTable, UsersTable } from '../tables.js'

export interface RoleWithActions {
  id: number
  name: string
  description: string | null
  built_in: number
  created_at: string
  version: number
  actions: string[]
}

/** The columns of users that authentication reads: changing one voids cached verifications. */
const CREDENTIAL_COLUMNS = ['password_hash', 'active', 'basic_auth_enabled', 'locked_until'] as const

/** SQL behind the admin API: paged lists, user updates, token revocation, custom roles. Tenant id first. */
export class AdminRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Users by id, after `afterId`; `limit + 1` rows so the caller can tell whether there is a next page. */
  /** `search`: part of the username or display name, any case. */
  listUsers(
    tenantId: number,
    afterId: number | undefined,
    limit: number,
    search?: string,
  ): Promise<UserRow[]> {
    let q = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId)
    if (afterId !== undefined) q = q.where('id', '>', afterId)
    if (search !== undefined && search !== '') {
      const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      q = q.where((eb) =>
        eb.or([
          sql<boolean>`lower(username) like ${pattern} escape '\\'`,
          sql<boolean>`lower(coalesce(display_name, '')) like ${pattern} escape '\\'`,
        ]),
      )
    }
    return q
      .orderBy('id')
      .limit(limit + 1)
      .execute()
  }

  /** Role names per user, for the given users of the tenant. */
  async roleNamesOf(tenantId: number, userIds: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(userIds.map((id) => [id, []]))
    if (userIds.length === 0) return out
    const rows = await this.db
      .selectFrom('user_roles as ur')
      .innerJoin('roles as r', 'r.id', 'ur.role_id')
      .select(['ur.user_id', 'r.name'])
      .where('r.tenant_id', '=', tenantId)
      .where('ur.user_id', 'in', userIds)
      .orderBy('r.name')
      .execute()
    for (const r of rows) out.get(r.user_id)?.push(r.name)
    return out
  }

  /**
   * Applies `set` only if the user is still at `version` (bumping it), so a concurrent change is never
   * overwritten; false when the user changed meanwhile. `credentials_version` moves only when something
   * authentication depends on changes: a new display name or email leaves cached credentials alone.
   */
  async updateUser(
    db: Kysely<DB>,
    tenantId: number,
    userId: number,
    version: number,
    set: Updateable<UsersTable>,
  ): Promise<boolean> {
    const result = await db
      .updateTable('users')
      .set((eb) => ({
        ...set,
        version: version + 1,
        ...(CREDENTIAL_COLUMNS.some((c) => set[c] !== undefined)
          ? { credentials_version: eb('credentials_version', '+', 1) }
          : {}),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .where('version', '=', version)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Ends every session of the user (their password was reset); how many ended. */
  async endSessions(db: Kysely<DB>, tenantId: number, userId: number): Promise<number> {
    const result = await db
      .deleteFrom('sessions')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async replaceRoles(db: Kysely<DB>, userId: number, roleIds: readonly number[]): Promise<void> {
    await db.deleteFrom('user_roles').where('user_id', '=', userId).execute()
    if (roleIds.length > 0) {
      await db
        .insertInto('user_roles')
        .values(roleIds.map((role_id) => ({ user_id: userId, role_id })))
        .execute()
    }
  }

  listTokens(
    tenantId: number,
    userId: number,
    afterId: number | undefined,
    limit: number,
  ): Promise<TokenRow[]> {
    let q = this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
    if (afterId !== undefined) q = q.where('id', '>', afterId)
    return q
      .orderBy('id')
      .limit(limit + 1)
      .execute()
  }

  findToken(tenantId: number, userId: number, tokenId: number): Promise<TokenRow | undefined> {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('id', '=', tokenId)
      .executeTakeFirst()
  }

  async revokeToken(db: Kysely<DB>, tenantId: number, tokenId: number, now: string): Promise<boolean> {
    const result = await db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', tokenId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async listRoles(tenantId: number, afterId: number | undefined, limit: number): Promise<RoleWithActions[]> {
    let q = this.db.selectFrom('roles').selectAll().where('tenant_id', '=', tenantId)
    if (afterId !== undefined) q = q.where('id', '>', afterId)
    const roles = await q
      .orderBy('id')
      .limit(limit + 1)
      .execute()
    const actions = await this.actionsOfRoles(roles.map((r) => r.id))
    return roles.map((r) => ({ ...r, actions: actions.get(r.id) ?? [] }))
  }

  /** The tenant's roles with these names, with their actions. */
  async rolesByName(tenantId: number, names: readonly string[]): Promise<RoleWithActions[]> {
    if (names.length === 0) return []
    const roles = await this.db
      .selectFrom('roles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', 'in', names)
      .execute()
    const actions = await this.actionsOfRoles(roles.map((r) => r.id))
    return roles.map((r) => ({ ...r, actions: actions.get(r.id) ?? [] }))
  }

  /** One role of the tenant, with its actions. */
  async findRole(tenantId: number, roleId: number): Promise<RoleWithActions | undefined> {
    const role = await this.db
      .selectFrom('roles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', roleId)
      .executeTakeFirst()
    if (!role) return undefined
    return { ...role, actions: (await this.actionsOfRoles([role.id])).get(role.id) ?? [] }
  }

  /**
   * Applies `set` to a custom role only if it is still at `version` (bumping it); false when it changed meanwhile
   * (or is built-in, which no update touches).
   */
  async updateRole(
    db: Kysely<DB>,
    tenantId: number,
    roleId: number,
    version: number,
    set: Pick<Updateable<RolesTable>, 'name' | 'description'>,
  ): Promise<boolean> {
    const result = await db
      .updateTable('roles')
      .set({ ...set, version: version + 1 })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', roleId)
      .where('built_in', '=', 0)
      .where('version', '=', version)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /** Replaces the role's actions with `actions`: deletes those no longer held, inserts the new ones. */
  async replaceRoleActions(
    db: Kysely<DB>,
    roleId: number,
    from: readonly string[],
    to: readonly string[],
  ): Promise<void> {
    const removed = from.filter((a) => !to.includes(a))
    const added = to.filter((a) => !from.includes(a))
    if (removed.length > 0) {
      await db
        .deleteFrom('role_actions')
        .where('role_id', '=', roleId)
        .where('action', 'in', removed)
        .execute()
    }
    if (added.length > 0) {
      await db
        .insertInto('role_actions')
        .values(added.map((action) => ({ role_id: roleId, action })))
        .execute()
    }
  }

  private async actionsOfRoles(roleIds: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>()
    if (roleIds.length === 0) return out
    const rows = await this.db
      .selectFrom('role_actions')
      .select(['role_id', 'action'])
      .where('role_id', 'in', roleIds)
      .orderBy('action')
      .execute()
    for (const r of rows) out.set(r.role_id, [...(out.get(r.role_id) ?? []), r.action])
    return out
  }

  async insertRole(
    db: Kysely<DB>,
    role: Omit<RolesTable, 'id' | 'version'> & { actions: readonly string[] },
  ): Promise<number> {
    const { actions, ...values } = role
    const row = await db.insertInto('roles').values(values).returning('id').executeTakeFirstOrThrow()
    if (actions.length > 0) {
      await db
        .insertInto('role_actions')
        .values(actions.map((action) => ({ role_id: row.id, action })))
        .execute()
    }
    return row.id
  }
}
