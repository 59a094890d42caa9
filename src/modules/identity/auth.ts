import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { Forbidden, Unauthenticated } from '../../errors.js'
import type { Principal } from '../../http/route-config.js'
import { recordAudit } from '../audit/service.js'
import { isRoleAction, type RoleAction } from './actions.js'
import { AuthLookups } from './auth-lookups.js'
import { registerRateLimit } from './rate-limit.js'
import { IdentityRepository, type TenantRow } from './repository.js'
import { credentialCacheKey, sha256Hex, TOKEN_PREFIX, verifyPassword } from './secrets.js'

const CHALLENGE = 'Basic realm="Trialdeck", charset="UTF-8", Bearer realm="Trialdeck"'
/** How long a successful Basic verification is remembered (it is still void once the user's version changes). */
const BASIC_CACHE_MS = 60_000
const BASIC_CACHE_MAX = 10_000
/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000

function unauthenticated(message: string): Unauthenticated {
  const err = new Unauthenticated(message)
  err.headers['WWW-Authenticate'] = CHALLENGE
  return err
}

interface CachedVerification {
  userId: number
  version: number
  until: number
}

/**
 * Turns the Authorization header into a Principal. One indexed query per request (the token, or the user by
 * name); argon2 runs only on a cache miss; the role actions of a user are cached by (user, credentials version),
 * so any change to password, flags or roles — made by any instance — takes effect on the next request.
 */
export class Authenticator {
  private readonly repo: IdentityRepository
  private readonly lookups: AuthLookups
  private readonly cacheKey = randomBytes(32)
  private readonly basicCache = new Map<string, CachedVerification>()
  private readonly actionsCache = new Map<string, ReadonlySet<RoleAction>>()

  constructor(private readonly ctx: AppContext) {
    this.repo = new IdentityRepository(ctx.db)
    this.lookups = new AuthLookups(ctx.database)
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization
    if (header === undefined || header.trim() === '') {
      throw unauthenticated('Authentication required: send Authorization: Basic … or Bearer …')
    }
    const [scheme = '', ...rest] = header.trim().split(/\s+/)
    const credential = rest.join(' ')
    const customerCode = this.customerCode(request)
    if (scheme.toLowerCase() === 'bearer') return this.bearer(credential, customerCode)
    if (scheme.toLowerCase() === 'basic') return this.basic(request, credential, customerCode)
    throw unauthenticated(`Unsupported authorization scheme ${scheme}; use Basic or Bearer`)
  }

  private customerCode(request: FastifyRequest): string | undefined {
    const v = request.headers.customercode
    const code = Array.isArray(v) ? v[0] : v
    return code === undefined || code.trim() === '' ? undefined : code.trim()
  }

  private async bearer(secret: string, customerCode: string | undefined): Promise<Principal> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) throw unauthenticated('Invalid API token')
    const row = await this.lookups.tokenByHash(sha256Hex(secret))
    if (!row) throw unauthenticated('Invalid API token')
    if (row.revoked_at !== null) throw unauthenticated('This API token has been revoked')
    const now = Date.now()
    if (row.expires_at !== null && Date.parse(row.expires_at) <= now)
      throw unauthenticated('This API token has expired')
    if (!row.active) throw unauthenticated('The account of this API token is inactive')
    if (customerCode !== undefined && customerCode.toLowerCase() !== row.tenant_code.toLowerCase()) {
      throw unauthenticated(`customerCode ${customerCode} does not match this API token`)
    }
    const tenantId = row.tenant_id
    const tokenId = row.token_id
    if (row.last_used_at === null || now - Date.parse(row.last_used_at) > TOUCH_EVERY_MS) {
      await this.repo.touchToken(tenantId, tokenId, new Date(now).toISOString())
    }
    return {
      tenantId,
      tenantCode: row.tenant_code,
      userId: row.user_id,
      username: row.username,
      actions: await this.actions(tenantId, row.user_id, row.credentials_version),
      via: 'bearer',
      tokenId,
    }
  }

  private async resolveTenant(request: FastifyRequest, customerCode: string | undefined): Promise<TenantRow> {
    if (customerCode !== undefined) {
      const tenant = await this.lookups.tenantByCode(customerCode)
      if (!tenant) throw unauthenticated(`Unknown customerCode ${customerCode}`)
      return tenant
    }
    const host = request.hostname
    const label = host.split('.')[0]
    if (label && host.includes('.') && !/^[\d.]+$/.test(host)) {
      const tenant = await this.lookups.tenantByCode(label)
      if (tenant) return tenant
    }
    const sole = await this.lookups.soleTenant()
    if (!sole) throw unauthenticated('Which tenant? Send the customerCode header')
    return sole
  }

  private async basic(
    request: FastifyRequest,
    encoded: string,
    customerCode: string | undefined,
  ): Promise<Principal> {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 1) throw unauthenticated('Malformed Basic credentials; expected base64(username:password)')
    const username = decoded.slice(0, colon)
    const password = decoded.slice(colon + 1)
    // Named tenant: the user and its tenant in one query; otherwise (or when that finds nobody) step by step.
    let found =
      customerCode === undefined ? undefined : await this.lookups.userByTenantCode(customerCode, username)
    let tenant: { id: number; code: string } = { id: found?.tenant_id ?? 0, code: found?.tenant_code ?? '' }
    if (!found) {
      const resolved = await this.resolveTenant(request, customerCode)
      tenant = resolved
      found = await this.lookups
        .userByUsername(resolved.id, username)
        .then((u) => u && { ...u, tenant_code: resolved.code })
    }
    const tenantId = tenant.id
    const user = found
    const refused = unauthenticated('Invalid username or password')
    if (!user || user.password_hash === null) throw refused
    const userId = user.id
    if (!user.active) throw unauthenticated('This account is inactive')
    if (!user.basic_auth_enabled)
      throw unauthenticated('Basic authentication is not enabled for this account')
    const now = Date.now()
    if (user.locked_until !== null && Date.parse(user.locked_until) > now) {
      throw unauthenticated('This account is locked after repeated failed logins; try again later')
    }
    const key = credentialCacheKey(this.cacheKey, tenantId, username, password)
    const cached = this.basicCache.get(key)
    const fresh =
      cached !== undefined &&
      cached.userId === userId &&
      cached.version === user.credentials_version &&
      cached.until > now
    if (!fresh) {
      if (!(await verifyPassword(user.password_hash, password))) {
        const { threshold, lockMs } = {
          threshold: this.ctx.config.lockoutThreshold,
          lockMs: this.ctx.config.lockoutMs,
        }
        const after = await this.repo.recordLoginFailure(
          tenantId,
          userId,
          threshold,
          new Date(now + lockMs).toISOString(),
        )
        await recordAudit(
          this.ctx.db,
          { tenantId, kind: 'anonymous', userId, tokenId: null, requestId: request.id },
          {
            action:
              after.locked_until !== null && after.locked_until !== user.locked_until
                ? 'auth.locked'
                : 'auth.failed',
            entityType: 'user',
            entityId: userId,
            after: { scheme: 'basic', failedLogins: after.failed_logins },
          },
        )
        throw refused
      }
      if (this.basicCache.size >= BASIC_CACHE_MAX) this.basicCache.clear()
      this.basicCache.set(key, { userId, version: user.credentials_version, until: now + BASIC_CACHE_MS })
    }
    if (user.failed_logins > 0 || user.locked_until !== null)
      await this.repo.clearLoginFailures(tenantId, userId)
    return {
      tenantId,
      tenantCode: tenant.code,
      userId,
      username,
      actions: await this.actions(tenantId, userId, user.credentials_version),
      via: 'basic',
    }
  }

  private async actions(tenantId: number, userId: number, version: number): Promise<ReadonlySet<RoleAction>> {
    const key = `${userId}:${version}`
    let actions = this.actionsCache.get(key)
    if (!actions) {
      actions = new Set((await this.repo.actionsOfUser(tenantId, userId)).filter(isRoleAction))
      if (this.actionsCache.size >= BASIC_CACHE_MAX) this.actionsCache.clear()
      this.actionsCache.set(key, actions)
    }
    return actions
  }
}

/** Throws unless the principal may do `action`; programmatic calls also need `api`. */
export function authorise(principal: Principal, action: RoleAction | 'authenticated'): void {
  if (principal.via !== 'session' && !principal.actions.has('api')) {
    throw new Forbidden('This account lacks the role action api, which every API call needs', 'api')
  }
  if (action !== 'authenticated' && !principal.actions.has(action)) {
    throw new Forbidden(`This account lacks the role action ${action}, which this operation needs`, action)
  }
}

/**
 * Authenticates and authorises every route that declares a role action, before its body is read; then counts
 * the request against its principal's rate limit (route-level hooks run after these instance-level ones).
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const authenticator = new Authenticator(ctx)
  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.action
    if (action === undefined || action === 'public') return
    const principal = await authenticator.authenticate(request)
    request.principal = principal
    authorise(principal, action)
  })
  registerRateLimit(app, ctx)
}
