import type { Kysely } from 'kysely'
import type { AppContext } from '../../context.js'
import type { DB } from '../../db/schema.js'
import { inTransaction } from '../../db/database.js'
import { nowIso } from '../../db/columns.js'
import { unlessDuplicate } from '../../db/errors.js'
import { Conflict, ErrorList, NotFound } from '../../errors.js'
import { recordAudit, systemActor, type Actor } from '../audit/service.js'
import { BUILT_IN_ROLES } from './actions.js'
import { IdentityRepository, type TenantRow, type UserRow } from './repository.js'
import { hashPassword, newTokenSecret } from './secrets.js'
import type { NewUserBody } from './admin/schemas.js'
import {
  DEFAULT_EV_THRESHOLDS,
  patchEvThresholds,
  type EvThresholds,
  type EvThresholdsPatch,
} from './tenant/ev-thresholds.js'

export interface TenantSettings {
  recruitEnabled: boolean
  /** Requests per rate-limit window for each principal; defaults to the server's RATE_LIMIT_MAX. */
  rateLimitMax?: number
  /** Earned-value colour bands; absent: DEFAULT_EV_THRESHOLDS. */
  evThresholds?: EvThresholds
}

const DEFAULT_TENANT_SETTINGS: TenantSettings = { recruitEnabled: true }

/** The admin API's new-user body, and whether its owner must choose their own password first (one set by someone else). */
export type NewUser = NewUserBody & { mustChangePassword?: boolean }

export interface CreatedToken {
  id: number
  name: string
  secret: string
  prefix: string
  expiresAt: string | null
  createdAt: string
}

const TENANT_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/
const USERNAME = /^[^\s:]{1,128}$/

/** The account rules the configuration sets (PASSWORD_MIN_LENGTH, TOKEN_DEFAULT_LIFETIME). */
export interface IdentityPolicy {
  passwordMinLength: number
  /** Lifetime of a token created without one; null: never expires. */
  tokenDefaultLifetimeMs: number | null
}

export const DEFAULT_IDENTITY_POLICY: IdentityPolicy = {
  passwordMinLength: 12,
  tokenDefaultLifetimeMs: 90 * 86_400_000,
}

export function policyOf(config: IdentityPolicy): IdentityPolicy {
  return {
    passwordMinLength: config.passwordMinLength,
    tokenDefaultLifetimeMs: config.tokenDefaultLifetimeMs,
  }
}

export function checkPassword(errors: ErrorList, path: string, password: string, minLength = 1): void {
  if (password.length < minLength || password.length > 255)
    errors.add(path, `must be ${minLength} to 255 characters (PASSWORD_MIN_LENGTH is ${minLength})`, 'length')
}

/** "no role named x; the roles are a, b, c": an unknown name answered with the valid ones. */
export function unknownRoleMessage(name: string, known: readonly string[]): string {
  return `no role named ${name}; the roles are ${[...known].sort().join(', ')}`
}

export function settingsOf(tenant: TenantRow): TenantSettings {
  try {
    return { ...DEFAULT_TENANT_SETTINGS, ...(JSON.parse(tenant.settings) as Partial<TenantSettings>) }
  } catch {
    return { ...DEFAULT_TENANT_SETTINGS }
  }
}

/** Tenants, users and tokens: the rules. SQL lives in the repository. */
export class IdentityService {
  readonly repo: IdentityRepository

  constructor(
    private readonly db: Kysely<DB>,
    readonly policy: IdentityPolicy = DEFAULT_IDENTITY_POLICY,
  ) {
    this.repo = new IdentityRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): IdentityService {
    return new IdentityService(ctx.db, policyOf(ctx.config))
  }

  /** A new tenant with the built-in roles. */
  async createTenant(code: string, name: string, settings: Partial<TenantSettings> = {}): Promise<TenantRow> {
    const errors = new ErrorList()
    if (!TENANT_CODE.test(code)) errors.add('/code', 'must be 1-63 letters, digits, - or _', 'pattern')
    if (name.trim() === '') errors.add('/name', 'cannot be empty', 'required')
    errors.throwIfAny()
    const duplicate = () => new Conflict(`A tenant with code ${code} already exists`)
    if (await this.repo.findTenantByCode(code)) throw duplicate()
    const now = nowIso()
    const tenantId = await unlessDuplicate(
      () =>
        inTransaction(this.db, async (trx) => {
          const id = await this.repo.insertTenant(
            trx,
            code,
            name,
            { ...DEFAULT_TENANT_SETTINGS, ...settings },
            now,
          )
          for (const [roleName, role] of Object.entries(BUILT_IN_ROLES)) {
            const r = await trx
              .insertInto('roles')
              .values({
                tenant_id: id,
                name: roleName,
                description: role.description,
                built_in: 1,
                created_at: now,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
            await trx
              .insertInto('role_actions')
              .values(role.actions.map((action) => ({ role_id: r.id, action })))
              .execute()
          }
          await recordAudit(trx, systemActor(id), {
            action: 'tenant.create',
            entityType: 'tenant',
            entityId: id,
            after: { code, name },
          })
          return id
        }),
      duplicate,
    )
    const tenant = await this.repo.findTenantById(tenantId)
    if (!tenant) throw new NotFound('tenant vanished')
    return tenant
  }

  /**
   * Changes a tenant's settings (`rateLimitMax: null` goes back to the server's default); audited with before and
   * after. Servers pick the change up within TENANT_LIMIT_TTL_MS (10 s) for rate limits, at once for Recruit.
   */
  async updateTenantSettings(
    tenantId: number,
    patch: { recruitEnabled?: boolean; rateLimitMax?: number | null; evThresholds?: EvThresholdsPatch },
    actor: Actor,
  ): Promise<TenantSettings> {
    const errors = new ErrorList()
    const max = patch.rateLimitMax
    if (max != null && !(Number.isInteger(max) && max > 0))
      errors.add('/rateLimitMax', 'must be a whole number above 0', 'range')
    errors.throwIfAny()
    return inTransaction(this.db, async (trx) => {
      const tenant = await trx.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst()
      if (!tenant) throw new NotFound(`No tenant ${tenantId}`)
      const before = settingsOf(tenant)
      const after: TenantSettings = { ...before }
      if (patch.recruitEnabled !== undefined) after.recruitEnabled = patch.recruitEnabled
      if (max === null) delete after.rateLimitMax
      else if (max !== undefined) after.rateLimitMax = max
      if (patch.evThresholds === null) delete after.evThresholds
      else if (patch.evThresholds !== undefined) {
        const bands = patchEvThresholds(
          errors,
          after.evThresholds ?? DEFAULT_EV_THRESHOLDS,
          patch.evThresholds,
        )
        errors.throwIfAny()
        after.evThresholds = bands
      }
      await trx
        .updateTable('tenants')
        .set({ settings: JSON.stringify(after) })
        .where('id', '=', tenantId)
        .execute()
      await recordAudit(trx, actor, {
        action: 'tenant.settings',
        entityType: 'tenant',
        entityId: tenantId,
        before: { ...before },
        after: { ...after },
      })
      return after
    })
  }

  /** `seed`: the demo data set's published passwords, exempt from PASSWORD_MIN_LENGTH (and nothing else is). */
  async createUser(
    tenantId: number,
    input: NewUser,
    actor: Actor,
    options: { seed?: boolean } = {},
  ): Promise<UserRow> {
    const errors = new ErrorList()
    if (!USERNAME.test(input.username))
      errors.add('/username', 'must be 1-128 characters without spaces or ":"', 'pattern')
    if (input.password !== undefined) {
      checkPassword(errors, '/password', input.password, options.seed ? 1 : this.policy.passwordMinLength)
    }
    const roles = input.roles ?? []
    const roleIds = await this.repo.roleIdsByName(this.db, tenantId, roles)
    const unknown = roles.filter((r) => !roleIds.has(r))
    const known = unknown.length > 0 ? await this.repo.roleNames(tenantId) : []
    roles.forEach((r, i) => {
      if (!roleIds.has(r)) errors.add(`/roles/${i}`, unknownRoleMessage(r, known), 'unknown')
    })
    errors.throwIfAny()
    const duplicate = () => new Conflict(`A user named ${input.username} already exists`)
    if (await this.repo.findUserByUsername(tenantId, input.username)) throw duplicate()
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password)
    const now = nowIso()
    const userId = await unlessDuplicate(
      () =>
        inTransaction(this.db, async (trx) => {
          const row = await trx
            .insertInto('users')
            .values({
              tenant_id: tenantId,
              username: input.username,
              display_name: input.displayName ?? null,
              email: input.email ?? null,
              password_hash: passwordHash,
              active: input.active === false ? 0 : 1,
              basic_auth_enabled: input.basicAuthEnabled ? 1 : 0,
              locked_until: null,
              must_change_password: input.mustChangePassword && passwordHash !== null ? 1 : 0,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          const id = row.id
          if (roleIds.size > 0) {
            await trx
              .insertInto('user_roles')
              .values([...roleIds.values()].map((role_id) => ({ user_id: id, role_id })))
              .execute()
          }
          await recordAudit(trx, actor, {
            action: 'user.create',
            entityType: 'user',
            entityId: id,
            after: { username: input.username, roles, basicAuthEnabled: input.basicAuthEnabled ?? false },
          })
          return id
        }),
      duplicate,
    )
    const user = await this.repo.findUserById(tenantId, userId)
    if (!user) throw new NotFound('user vanished')
    return user
  }

  /**
   * A new API token for the user; the secret is in the result and nowhere else, ever. Without `expiresAt` it
   * lives TOKEN_DEFAULT_LIFETIME; `expiresAt: null` says it never expires.
   */
  async createToken(
    tenantId: number,
    userId: number,
    input: { name: string; expiresAt?: string | null },
    actor: Actor,
  ): Promise<CreatedToken> {
    const errors = new ErrorList()
    if (input.name.trim() === '' || input.name.length > 200)
      errors.add('/name', 'must be 1-200 characters', 'length')
    if (input.expiresAt != null && !(Date.parse(input.expiresAt) > Date.now())) {
      errors.add('/expiresAt', 'must be a date-time in the future', 'range')
    }
    errors.throwIfAny()
    const user = await this.repo.findUserById(tenantId, userId)
    if (!user) throw new NotFound(`No user ${userId}`)
    const { secret, hash, prefix } = newTokenSecret()
    const now = nowIso()
    const lifetime = this.policy.tokenDefaultLifetimeMs
    const expiresAt =
      input.expiresAt === undefined
        ? lifetime === null
          ? null
          : new Date(Date.parse(now) + lifetime).toISOString()
        : input.expiresAt === null
          ? null
          : new Date(input.expiresAt).toISOString()
    const id = await inTransaction(this.db, async (trx) => {
      const row = await trx
        .insertInto('api_tokens')
        .values({
          tenant_id: tenantId,
          user_id: userId,
          name: input.name,
          prefix,
          secret_hash: hash,
          expires_at: expiresAt,
          created_at: now,
          last_used_at: null,
          revoked_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'token.create',
        entityType: 'api_token',
        entityId: row.id,
        after: { userId, name: input.name, prefix, expiresAt },
      })
      return row.id
    })
    return { id, name: input.name, secret, prefix, expiresAt, createdAt: now }
  }
}
