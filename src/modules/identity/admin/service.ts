import type { Kysely, Transaction, Updateable } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import type { CredentialsWatch } from '../auth/credentials-watch.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { parseDuration } from '../../../config.js'
import { Conflict, ErrorList, NotFound, PreconditionFailed, ValidationFailed } from '../../../errors.js'
import { recordAudit } from '../../audit/service.js'
import { AdminRepository, type RoleWithActions } from './repository.js'
import { mustHold, mustOutrank, type Caller } from '../grant-rule.js'
import type {
  CreatedTokenView,
  NewTokenBody,
  NewUserBody,
  TokenView,
  UserPatch,
  UserView,
} from './schemas.js'
import { decodeCursor, limitOf, pageOf, type Page, type PageQuery } from '../../../http/pagination.js'
import type { UserListQuery } from './schemas.js'
import type { TokenRow, UserRow } from '../repository.js'
import { hashPassword } from '../secrets.js'
import {
  checkPassword,
  DEFAULT_IDENTITY_POLICY,
  IdentityService,
  policyOf,
  unknownRoleMessage,
  type IdentityPolicy,
} from '../service.js'
import type { UsersTable } from '../tables.js'

/** The longest lifetime `expiresIn` may give a token; longer ones are better made without an expiry. */
const MAX_TOKEN_LIFETIME_MS = 3650 * 86_400_000

function tokenView(t: TokenRow, now = Date.now()): TokenView {
  const status =
    t.revoked_at !== null
      ? 'revoked'
      : t.expires_at !== null && Date.parse(t.expires_at) <= now
        ? 'expired'
        : 'active'
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    status,
    createdAt: t.created_at,
    expiresAt: t.expires_at,
    lastUsedAt: t.last_used_at,
    revokedAt: t.revoked_at,
  }
}

/** The ETag of a user: its version, which every change through the admin API bumps. */
function etagOf(user: UserRow): string {
  return `"${user.version}"`
}

/** Users, tokens and roles as the admin API manages them. Rules here; SQL in the repositories. */
export class AdminService {
  private readonly repo: AdminRepository
  private readonly identity: IdentityService

  constructor(
    private readonly db: Kysely<DB>,
    private readonly credentials: Pick<CredentialsWatch, 'changed'>,
    policy: IdentityPolicy = DEFAULT_IDENTITY_POLICY,
  ) {
    this.repo = new AdminRepository(db)
    this.identity = new IdentityService(db, policy)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): AdminService {
    return new AdminService(ctx.db, ctx.credentials, policyOf(ctx.config))
  }

  /**
   * A transaction that may change what authentication sees. This instance's cached results are voided once it
   * has ended, committed or not (other instances learn of it from the database's triggers).
   */
  private async changingCredentials(fn: (trx: Transaction<DB>) => Promise<void>): Promise<void> {
    try {
      await inTransaction(this.db, fn)
    } finally {
      this.credentials.changed()
    }
  }

  private userView(u: UserRow, roles: string[]): UserView {
    const locked = u.locked_until !== null && Date.parse(u.locked_until) > Date.now()
    return {
      id: u.id,
      username: u.username,
      displayName: u.display_name,
      email: u.email,
      active: u.active === 1,
      basicAuthEnabled: u.basic_auth_enabled === 1,
      lockedUntil: locked ? u.locked_until : null,
      locked,
      mustChangePassword: u.must_change_password === 1,
      lastLoginAt: u.last_login_at,
      roles,
      createdAt: u.created_at,
      updatedAt: u.updated_at,
    }
  }

  private async userOrNotFound(tenantId: number, userId: number): Promise<UserRow> {
    const user = await this.identity.repo.findUserById(tenantId, userId)
    if (!user) throw new NotFound(`No user ${userId} in this tenant`)
    return user
  }

  /** Acting on another account (its password, flags, tokens) is only for callers who hold all it holds. */
  private async mustOutrank(caller: Caller, tenantId: number, user: UserRow, what: string): Promise<void> {
    if (caller.actor.tenantId !== tenantId) throw new NotFound(`No user ${user.id} in this tenant`)
    await mustOutrank(this.db, caller, user.id, () => what)
  }

  /** The roles named, checked to exist and to be grantable by the caller. */
  private async grantableRoles(
    tenantId: number,
    names: readonly string[],
    caller: Caller,
  ): Promise<RoleWithActions[]> {
    const roles = await this.repo.rolesByName(tenantId, names)
    const errors = new ErrorList()
    const missing = names.filter((n) => !roles.some((r) => r.name === n))
    const known = missing.length > 0 ? await this.identity.repo.roleNames(tenantId) : []
    names.forEach((n, i) => {
      if (missing.includes(n)) errors.add(`/body/roles/${i}`, unknownRoleMessage(n, known), 'unknown')
    })
    errors.throwIfAny()
    for (const r of roles) mustHold(caller, r.actions, `grant the role ${r.name}`)
    return roles
  }

  async listUsers(tenantId: number, page: UserListQuery): Promise<Page<UserView>> {
    const limit = limitOf(page)
    const rows = await this.repo.listUsers(tenantId, decodeCursor(page.cursor), limit, page.q)
    const roles = await this.repo.roleNamesOf(
      tenantId,
      rows.slice(0, limit).map((r) => r.id),
    )
    return pageOf(
      rows,
      limit,
      (r) => r.id,
      (r) => this.userView(r, roles.get(r.id) ?? []),
    )
  }

  async getUser(tenantId: number, userId: number): Promise<{ user: UserView; etag: string }> {
    const row = await this.userOrNotFound(tenantId, userId)
    const roles = await this.repo.roleNamesOf(tenantId, [userId])
    return { user: this.userView(row, roles.get(userId) ?? []), etag: etagOf(row) }
  }

  async createUser(
    tenantId: number,
    input: NewUserBody,
    caller: Caller,
  ): Promise<{ user: UserView; etag: string }> {
    await this.grantableRoles(tenantId, input.roles ?? [], caller)
    const mustChangePassword = input.password !== undefined
    const row = await this.identity.createUser(tenantId, { ...input, mustChangePassword }, caller.actor)
    return this.getUser(tenantId, row.id)
  }

  /** Changes flags, roles or the password; with `ifMatch`, only if the user is still as the caller saw it. */
  async updateUser(
    tenantId: number,
    userId: number,
    patch: UserPatch,
    caller: Caller,
    ifMatch?: string,
  ): Promise<{ user: UserView; etag: string }> {
    const user = await this.userOrNotFound(tenantId, userId)
    if (ifMatch !== undefined && ifMatch.trim() !== '*' && ifMatch.trim() !== etagOf(user)) {
      throw new PreconditionFailed(
        `User ${userId} has changed since you read it (ETag now ${etagOf(user)}); read it again`,
      )
    }
    await this.mustOutrank(caller, tenantId, user, `change user ${user.username}`)
    const errors = new ErrorList()
    if (patch.password !== undefined)
      checkPassword(errors, '/body/password', patch.password, this.identity.policy.passwordMinLength)
    errors.throwIfAny()
    const current = (await this.repo.roleNamesOf(tenantId, [userId])).get(userId) ?? []
    const added = (patch.roles ?? []).filter((r) => !current.includes(r))
    await this.grantableRoles(tenantId, added, caller)
    const roleIds =
      patch.roles === undefined
        ? undefined
        : await this.identity.repo.roleIdsByName(this.db, tenantId, patch.roles)

    const now = nowIso()
    const set: Updateable<UsersTable> = { updated_at: now }
    const before: Record<string, unknown> = {}
    const after: Record<string, unknown> = {}
    const change = (field: string, from: unknown, to: unknown): void => {
      before[field] = from
      after[field] = to
    }
    if (patch.displayName !== undefined) {
      set.display_name = patch.displayName
      change('displayName', user.display_name, patch.displayName)
    }
    if (patch.email !== undefined) {
      set.email = patch.email
      change('email', user.email, patch.email)
    }
    if (patch.active !== undefined) {
      set.active = patch.active ? 1 : 0
      change('active', user.active === 1, patch.active)
    }
    if (patch.basicAuthEnabled !== undefined) {
      set.basic_auth_enabled = patch.basicAuthEnabled ? 1 : 0
      change('basicAuthEnabled', user.basic_auth_enabled === 1, patch.basicAuthEnabled)
    }
    if (patch.password !== undefined) {
      set.password_hash = await hashPassword(patch.password)
      // Set by someone else: its owner must choose their own first (and that person's sessions end, below).
      set.must_change_password = caller.actor.userId === userId ? 0 : 1
      after.passwordChanged = true
    }
    if (patch.unlock === true || patch.password !== undefined) {
      set.failed_logins = 0
      set.locked_until = null
      if (user.locked_until !== null) change('lockedUntil', user.locked_until, null)
    }
    if (patch.roles !== undefined) change('roles', current, [...patch.roles].sort())

    // A new display name or email changes what the admin API shows, not what authentication reads: no
    // credential cache anywhere is flushed for it (see updateUser).
    const credentialsChange =
      patch.password !== undefined ||
      patch.active !== undefined ||
      patch.basicAuthEnabled !== undefined ||
      patch.unlock === true ||
      patch.roles !== undefined
    const write = credentialsChange
      ? (fn: (trx: Transaction<DB>) => Promise<void>) => this.changingCredentials(fn)
      : (fn: (trx: Transaction<DB>) => Promise<void>) => inTransaction(this.db, fn)
    await write(async (trx) => {
      if (!(await this.repo.updateUser(trx, tenantId, userId, user.version, set))) {
        throw (ifMatch ?? '') !== ''
          ? new PreconditionFailed(`User ${userId} has changed since you read it; read it again`)
          : new Conflict(`User ${userId} was changed by someone else at the same moment; try again`)
      }
      if (roleIds) await this.repo.replaceRoles(trx, userId, [...roleIds.values()])
      if (patch.password !== undefined && caller.actor.userId !== userId) {
        const ended = await this.repo.endSessions(trx, tenantId, userId)
        if (ended > 0) after.sessionsEnded = ended
      }
      await recordAudit(trx, caller.actor, {
        action: 'user.update',
        entityType: 'user',
        entityId: userId,
        before,
        after,
      })
    })
    return this.getUser(tenantId, userId)
  }

  async listTokens(tenantId: number, userId: number, page: PageQuery): Promise<Page<TokenView>> {
    await this.userOrNotFound(tenantId, userId)
    const limit = limitOf(page)
    const rows = await this.repo.listTokens(tenantId, userId, decodeCursor(page.cursor), limit)
    return pageOf(
      rows,
      limit,
      (t) => t.id,
      (t) => tokenView(t),
    )
  }

  async createToken(
    tenantId: number,
    userId: number,
    input: NewTokenBody,
    caller: Caller,
  ): Promise<CreatedTokenView> {
    const user = await this.userOrNotFound(tenantId, userId)
    await this.mustOutrank(caller, tenantId, user, `create a token for ${user.username}`)
    // Neither given: the default lifetime (TOKEN_DEFAULT_LIFETIME); `expiresIn: "never"` (or expiresAt null): none.
    let expiresAt = input.expiresAt
    if (input.expiresIn !== undefined) {
      if (expiresAt !== undefined) {
        throw ValidationFailed.one('/body/expiresIn', 'give expiresAt or expiresIn, not both', 'exclusive')
      }
      if (input.expiresIn === 'never') {
        expiresAt = null
      } else {
        const lifetime = parseDuration(input.expiresIn)
        if (lifetime === undefined || lifetime > MAX_TOKEN_LIFETIME_MS) {
          throw ValidationFailed.one('/body/expiresIn', 'must be at most 3650d (ten years)', 'range')
        }
        expiresAt = new Date(Date.now() + lifetime).toISOString()
      }
    }
    const created = await this.identity.createToken(
      tenantId,
      userId,
      { name: input.name, expiresAt },
      caller.actor,
    )
    const row = await this.repo.findToken(tenantId, userId, created.id)
    if (!row) throw new NotFound(`token ${created.id} vanished`)
    return { ...tokenView(row), secret: created.secret }
  }

  /** Revokes a token (idempotent); it stops working on the next request, on every instance. */
  async revokeToken(tenantId: number, userId: number, tokenId: number, caller: Caller): Promise<void> {
    const user = await this.userOrNotFound(tenantId, userId)
    const token = await this.repo.findToken(tenantId, userId, tokenId)
    if (!token) throw new NotFound(`User ${userId} has no token ${tokenId}`)
    await this.mustOutrank(caller, tenantId, user, `revoke a token of ${user.username}`)
    await this.changingCredentials(async (trx) => {
      if (!(await this.repo.revokeToken(trx, tenantId, tokenId, nowIso()))) return
      await recordAudit(trx, caller.actor, {
        action: 'token.revoke',
        entityType: 'api_token',
        entityId: tokenId,
        before: { userId, name: token.name, prefix: token.prefix },
      })
    })
  }
}
