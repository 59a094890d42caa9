import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { AppContext } from '../../../context.js'
import { Unauthenticated } from '../../../errors.js'
import { recordAudit } from '../../audit/service.js'
import { isRoleAction, type RoleAction } from '../actions.js'
import { AuthLookups } from './lookups.js'
import { LoginSources } from './login-sources.js'
import { IdentityRepository, type TenantRow, type UserRow } from '../repository.js'
import { hashPassword, verifyPassword } from '../secrets.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The password sign-in every scheme uses (`app.passwordLogin.login(…)`); see PasswordLogin. */
    passwordLogin: PasswordLogin
  }
}

/** The one answer to every failed password login, whatever the reason (the audit trail keeps the reason). */
export const LOGIN_REFUSED = 'Invalid username or password'

/** One password sign-in attempt, as a request makes it. */
export interface PasswordAttempt {
  username: string
  password: string
  /** The tenant the request names by customerCode (header or form), if it does; else `hostname` decides. */
  customerCode: string | undefined
  /** The request's host name: its first label may name the tenant (`acme.trialdeck.example`). */
  hostname: string
  /** The client's address: fastify's `request.ip` (the socket's, or X-Forwarded-For's with TRUST_PROXY). */
  source: string
  /** Which scheme asks: Basic needs the account's Basic flag; a browser session does not. */
  via: 'basic' | 'session'
  requestId: string
  /** The request's clock reading, epoch ms. */
  now: number
  /**
   * Basic's cache only: argon2 already accepted this very password against this stored hash, for this user at
   * this credentials version (within the last minute), so it need not run again while both still stand.
   */
  verified?: { userId: number; version: number; passwordHash: string } | undefined
}

/** Who signed in. */
export interface SignedIn {
  tenantId: number
  tenantCode: string
  userId: number
  username: string
  credentialsVersion: number
  /** The stored hash the password was checked against (for `verified` next time). */
  passwordHash: string
  actions: ReadonlySet<RoleAction>
  /** Whether argon2 ran (false when `verified` stood in for it). */
  checked: boolean
}

type Reason = 'unknown-user' | 'unknown-tenant' | 'no-password' | 'inactive' | 'basic-disabled' | 'locked'

function refused(): Unauthenticated {
  return new Unauthenticated(LOGIN_REFUSED)
}

/**
 * Password sign-in: THE entry point for every scheme that takes a username and password (HTTP Basic, the web
 * app's sign-in). `login()` resolves or throws:
 * - `Unauthenticated` "Invalid username or password" for every failure — unknown tenant or user, no password set,
 *   inactive, Basic not enabled (Basic only), locked, wrong password — after the same work in each case: one
 *   argon2 verification (against a dummy hash made once at start when there is no real one to check), so that
 *   neither the answer nor its timing tells whether an account exists or what state it is in. The audit trail
 *   records the real reason (`auth.failed`, `auth.locked`, `auth.refused` with `reason`).
 * - `TooManyRequests` (429, `Retry-After`) once the client's address has used up its failed logins (LoginSources).
 * Lockout is counted in the database: each attempt claims one of the account's LOCKOUT_THRESHOLD attempts with
 * one conditional UPDATE before argon2 runs, so parallel guesses cannot get more checks than the threshold, and a
 * success after the account locked — even one whose check started earlier — is refused. A success clears the count.
 * An operator unlocks an account with `PATCH /api/v1/admin/users/{id}` `{"unlock": true}` (or a new password).
 */
export class PasswordLogin {
  private readonly repo: IdentityRepository
  private readonly lookups: AuthLookups
  private readonly sources: LoginSources
  private readonly dummyHash: Promise<string>

  constructor(
    private readonly ctx: AppContext,
    log: FastifyBaseLogger,
  ) {
    this.repo = new IdentityRepository(ctx.db)
    this.lookups = new AuthLookups(ctx.database)
    this.sources = new LoginSources(ctx.config, log)
    this.dummyHash = hashPassword(randomBytes(24).toString('base64url'))
  }

  async login(attempt: PasswordAttempt): Promise<SignedIn> {
    const { password, source, now } = attempt
    await this.sources.claim(source, now)
    const tenant = await this.resolveTenant(attempt.customerCode, attempt.hostname)
    const user = tenant && (await this.lookups.userByUsername(tenant.id, attempt.username))
    const reason = this.reasonToRefuse(attempt, tenant, user)
    if (reason !== undefined || !tenant || !user || user.password_hash === null) {
      await verifyPassword(await this.dummyHash, password)
      if (tenant) await this.auditRefusal(attempt, tenant.id, user, reason ?? 'no-password')
      throw refused()
    }
    const iso = new Date(now).toISOString()
    const known =
      attempt.verified !== undefined &&
      attempt.verified.userId === user.id &&
      attempt.verified.version === user.credentials_version &&
      attempt.verified.passwordHash === user.password_hash
    if (known) {
      if (user.locked_until !== null && user.locked_until > iso) {
        await this.auditRefusal(attempt, tenant.id, user, 'locked')
        throw refused()
      }
    } else {
      const { lockoutThreshold } = this.ctx.config
      const claimed = await this.repo.claimLoginAttempt(tenant.id, user.id, lockoutThreshold, iso)
      if (claimed === undefined) {
        await verifyPassword(await this.dummyHash, password)
        await this.auditRefusal(attempt, tenant.id, user, 'locked')
        throw refused()
      }
      if (!(await verifyPassword(user.password_hash, password))) {
        await this.recordFailure(attempt, tenant.id, user.id, iso)
        throw refused()
      }
    }
    if (!known || user.failed_logins > 0 || user.locked_until !== null) {
      const cleared = await this.repo.clearLoginFailures(tenant.id, user.id, iso)
      this.ctx.credentials.changed()
      if (!cleared) {
        await this.auditRefusal(attempt, tenant.id, user, 'locked')
        throw refused()
      }
    }
    await this.sources.release(source)
    const actions = await this.repo.actionsOfUser(tenant.id, user.id)
    return {
      tenantId: tenant.id,
      tenantCode: tenant.code,
      userId: user.id,
      username: user.username,
      credentialsVersion: user.credentials_version,
      passwordHash: user.password_hash,
      actions: new Set(actions.filter(isRoleAction)),
      checked: !known,
    }
  }

  close(): Promise<void> {
    return this.sources.close()
  }

  /** Why the account cannot sign in whatever the password, if it cannot. */
  private reasonToRefuse(
    attempt: PasswordAttempt,
    tenant: TenantRow | undefined,
    user: UserRow | undefined,
  ): Reason | undefined {
    if (!tenant) return 'unknown-tenant'
    if (!user) return 'unknown-user'
    if (user.password_hash === null) return 'no-password'
    if (!user.active) return 'inactive'
    if (attempt.via === 'basic' && !user.basic_auth_enabled) return 'basic-disabled'
    return undefined
  }

  /**
   * The tenant the request names: its customerCode; else its host's first label, when that is a tenant's code;
   * else the only tenant, when exactly one exists. Undefined for an unknown customerCode: the login then fails like
   * any other.
   */
  private async resolveTenant(code: string | undefined, host: string): Promise<TenantRow | undefined> {
    if (code !== undefined) return this.lookups.tenantByCode(code)
    const label = host.split('.')[0]
    if (label && host.includes('.') && !/^[\d.:[\]]+$/.test(host)) {
      const tenant = await this.lookups.tenantByCode(label)
      if (tenant) return tenant
    }
    const sole = await this.lookups.soleTenant()
    // Nothing named a tenant and several exist: a fault of the request, not of the account, and said as such.
    if (!sole) throw new Unauthenticated('Which tenant? Send the customerCode header')
    return sole
  }

  /** A wrong password: keeps its claim, locks the account when the claims reach the threshold; audited. */
  private async recordFailure(attempt: PasswordAttempt, tenantId: number, userId: number, iso: string) {
    const { lockoutThreshold, lockoutMs } = this.ctx.config
    const lockUntil = new Date(attempt.now + lockoutMs).toISOString()
    let locked: string | undefined
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        locked = await this.repo.lockIfExhausted(trx, tenantId, userId, lockoutThreshold, iso, lockUntil)
        await recordAudit(
          trx,
          { tenantId, kind: 'anonymous', userId, tokenId: null, requestId: attempt.requestId },
          {
            action: locked === undefined ? 'auth.failed' : 'auth.locked',
            entityType: 'user',
            entityId: userId,
            after: { scheme: attempt.via, ...(locked === undefined ? {} : { lockedUntil: locked }) },
          },
        )
      })
    } finally {
      if (locked !== undefined) this.ctx.credentials.changed()
    }
  }

  /**
   * Audits a login refused before its password mattered, with the reason. Every one, like every wrong password:
   * the same write on every failure keeps the timing alike, and the per-address limit (LoginSources) is what
   * keeps someone hammering a locked account from flooding the trail. The name tried is not recorded for an
   * unknown user (it is often a password typed in the wrong field).
   */
  private async auditRefusal(
    attempt: PasswordAttempt,
    tenantId: number,
    user: UserRow | undefined,
    reason: Reason,
  ): Promise<void> {
    const userId = user?.id ?? null
    await recordAudit(
      this.ctx.db,
      { tenantId, kind: 'anonymous', userId, tokenId: null, requestId: attempt.requestId },
      {
        action: 'auth.refused',
        entityType: 'user',
        entityId: userId,
        after: {
          scheme: attempt.via,
          reason,
          ...(reason === 'locked' ? { lockedUntil: user?.locked_until ?? null } : {}),
        },
      },
    )
  }
}
