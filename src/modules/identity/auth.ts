import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { Forbidden, Unauthenticated } from '../../errors.js'
import type { Principal } from '../../http/route-config.js'
import { recordAudit } from '../audit/service.js'
import { isRoleAction, type RoleAction } from './actions.js'
import { AuthLookups } from './auth-lookups.js'
import type { CredentialsWatch } from './credentials-watch.js'
import { RateLimiter } from './rate-limit.js'
import { IdentityRepository, type TenantRow, type UserRow } from './repository.js'
import { credentialCacheKey, sha256Hex, TOKEN_PREFIX, verifyPassword } from './secrets.js'
import sessionRoutes from './session-routes.js'
import { Sessions, sessionIdOf, withoutChallengeForScripts } from './sessions.js'

const CHALLENGE = 'Basic realm="Trialdeck", charset="UTF-8", Bearer realm="Trialdeck"'
/** How long a successful Basic verification is remembered before argon2 runs again. */
const BASIC_VERIFIED_MS = 60_000
const CACHE_MAX = 10_000
/** Logins refused because the account is locked are audited at most this often per account. */
const LOCKED_AUDIT_EVERY_MS = 60_000
/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 60_000

function unauthenticated(message: string): Unauthenticated {
  const err = new Unauthenticated(message)
  err.headers['WWW-Authenticate'] = CHALLENGE
  return err
}

/** A token that authenticated, as of `epoch` (see CredentialsWatch). */
interface CachedToken {
  principal: Principal
  epoch: number | undefined
  tenantKey: string
  expiresAt: number
  touchedAt: number
}

/** A Basic credential that verified: the principal as of `epoch`, and argon2's word until `until`. */
interface CachedBasic {
  principal: Principal
  epoch: number | undefined
  version: number
  until: number
}

/** `base64(username:password)` → its two parts. */
function decodeBasic(encoded: string): { username: string; password: string } {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw unauthenticated('Malformed Basic credentials; expected base64(username:password)')
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** An Authorization header's scheme, as sent, and the credential after it (both '' when absent). */
function partsOf(header: string): { scheme: string; credential: string } {
  const value = header.trim()
  const space = value.indexOf(' ')
  if (space < 0) return { scheme: value, credential: '' }
  return { scheme: value.slice(0, space), credential: value.slice(space + 1).trim() }
}

/** The customerCode header, if it names one. */
function customerCodeOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers.customercode
  const code = Array.isArray(v) ? v[0] : v
  return code === undefined || code.trim() === '' ? undefined : code.trim()
}

function setBounded<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_MAX) map.clear()
  map.set(key, value)
}

/**
 * Turns the Authorization header into a Principal. A credential that authenticated is remembered together with
 * the credentials epoch it was read under; while the epoch stands, the next request with it costs a hash and a
 * map lookup. Every committed change to users, tokens, roles or tenants moves the epoch, on every instance (see
 * CredentialsWatch), so revocation, deactivation, locks and role removal take effect on the next request.
 * Argon2 runs only for a Basic credential not seen before, after its user's credentials version changed, or
 * once BASIC_VERIFIED_MS has passed.
 */
export class Authenticator {
  private readonly repo: IdentityRepository
  private readonly lookups: AuthLookups
  private readonly cacheKey = randomBytes(32).toString('hex')
  private readonly tokens = new Map<string, CachedToken>()
  private readonly basics = new Map<string, CachedBasic>()
  /** Per connection, the last Authorization header it sent and the key derived from it (see `remembered`). */
  private readonly lastCredential = new WeakMap<object, { header: string; scope: string; key: string }>()
  /** Users with a failed Basic login here since their last success: their next success resets the count. */
  private readonly failedUsers = new Set<number>()
  /** Per locked account: when its last refusal was audited, and how many refusals followed unrecorded. */
  private readonly refusedWhileLocked = new Map<number, { since: number; count: number }>()
  /** Browser sessions: the third way to authenticate, by cookie, when there is no Authorization header. */
  readonly sessions: Sessions

  constructor(
    readonly ctx: AppContext,
    private readonly watch: CredentialsWatch,
  ) {
    this.repo = new IdentityRepository(ctx.db)
    this.lookups = new AuthLookups(ctx.database)
    this.sessions = new Sessions(ctx, watch)
  }

  /**
   * Synchronous when the credential is cached (the common case), so that it costs no extra ticks. `now` is the
   * request's clock reading (epoch ms), which the rate limiter uses too.
   */
  authenticate(request: FastifyRequest, now: number): Principal | Promise<Principal> {
    // The headers as Node parsed them: fastify's `request.headers` getter costs more, and nothing here sets any.
    const headers = request.raw.headers
    const header = headers.authorization
    // The usual spellings first; the scheme is case-insensitive (RFC 9110 §11.1), hence the general case after.
    if (header?.startsWith('Bearer ')) return this.bearer(request, header, customerCodeOf(headers), now)
    if (header?.startsWith('Basic ')) return this.basic(request, header, customerCodeOf(headers), now)
    if (header === undefined || header.trim() === '') {
      const session = sessionIdOf(headers.cookie)
      if (session !== undefined) return this.sessions.authenticate(request, session, now)
      throw withoutChallengeForScripts(
        request,
        unauthenticated('Authentication required: send Authorization: Basic … or Bearer …, or sign in'),
      )
    }
    const scheme = partsOf(header).scheme.toLowerCase()
    if (scheme === 'bearer') return this.bearer(request, header, customerCodeOf(headers), now)
    if (scheme === 'basic') return this.basic(request, header, customerCodeOf(headers), now)
    throw unauthenticated(`Unsupported authorization scheme ${scheme}; use Basic or Bearer`)
  }

  /** `header` is the whole Authorization header. */
  private bearer(
    request: FastifyRequest,
    header: string,
    customerCode: string | undefined,
    now: number,
  ): Principal | Promise<Principal> {
    let hash = this.remembered(request, header, '')
    if (hash === undefined) {
      const secret = partsOf(header).credential
      if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) throw unauthenticated('Invalid API token')
      hash = sha256Hex(secret)
      this.remember(request, header, '', hash)
    }
    const epoch = this.watch.epoch()
    const hit = epoch === undefined ? undefined : this.tokens.get(hash)
    if (hit !== undefined && hit.epoch === epoch) return this.useToken(hit, customerCode, now)
    return this.loadToken(hash, epoch).then((token) => this.useToken(token, customerCode, Date.now()))
  }

  /**
   * A client usually keeps its connection and its credential: each connection remembers the last Authorization
   * header it sent, what for (`scope`), and the key derived from it (a SHA-256), so that the same header again is
   * neither parsed nor hashed again. This keeps one credential per open connection in memory, as its request
   * headers already are. The whole header is compared, not the credential cut out of it: both are strings as
   * Node made them, which V8 compares in one pass, where a cut-out piece would take its slow path.
   * (The comparison stops at the first differing word: behind a proxy, clients sharing a connection could time it
   * against each other's credentials, but the differences are nanoseconds, far below what a network lets anyone
   * measure; a loop in constant time cost more than the hash it saves.)
   */
  private remembered(request: FastifyRequest, header: string, scope: string): string | undefined {
    const socket = request.raw.socket as object | null
    const last = socket === null ? undefined : this.lastCredential.get(socket)
    return last !== undefined && last.header === header && last.scope === scope ? last.key : undefined
  }

  private remember(request: FastifyRequest, header: string, scope: string, key: string): void {
    const socket = request.raw.socket as object | null
    if (socket !== null) this.lastCredential.set(socket, { header, scope, key })
  }

  private useToken(
    token: CachedToken,
    customerCode: string | undefined,
    now: number,
  ): Principal | Promise<Principal> {
    if (token.expiresAt <= now) throw unauthenticated('This API token has expired')
    if (customerCode !== undefined && customerCode.toLowerCase() !== token.tenantKey) {
      throw unauthenticated(`customerCode ${customerCode} does not match this API token`)
    }
    if (now - token.touchedAt > TOUCH_EVERY_MS) {
      token.touchedAt = now
      const { tenantId, tokenId = 0 } = token.principal
      return this.repo.touchToken(tenantId, tokenId, new Date(now).toISOString()).then(() => token.principal)
    }
    return token.principal
  }

  /** Reads a token, its user and the user's role actions; remembers them when the token may authenticate. */
  private async loadToken(hash: string, epoch: number | undefined): Promise<CachedToken> {
    const row = await this.lookups.tokenByHash(hash)
    if (!row) throw unauthenticated('Invalid API token')
    if (row.revoked_at !== null) throw unauthenticated('This API token has been revoked')
    if (!row.active) throw unauthenticated('The account of this API token is inactive')
    const token: CachedToken = {
      principal: {
        tenantId: row.tenant_id,
        tenantCode: row.tenant_code,
        userId: row.user_id,
        username: row.username,
        actions: await this.actions(row.tenant_id, row.user_id),
        via: 'bearer',
        tokenId: row.token_id,
      },
      epoch,
      tenantKey: row.tenant_code.toLowerCase(),
      expiresAt: row.expires_at === null ? Infinity : Date.parse(row.expires_at),
      touchedAt: row.last_used_at === null ? 0 : Date.parse(row.last_used_at),
    }
    if (epoch !== undefined) setBounded(this.tokens, hash, token)
    return token
  }

  async resolveTenant(request: FastifyRequest, customerCode: string | undefined): Promise<TenantRow> {
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

  /** `header` is the whole Authorization header. */
  private basic(
    request: FastifyRequest,
    header: string,
    customerCode: string | undefined,
    now: number,
  ): Principal | Promise<Principal> {
    // What the tenant is resolved from belongs to the key: the same credential may name another tenant elsewhere.
    const scope =
      customerCode === undefined ? `host:${request.hostname}` : `code:${customerCode.toLowerCase()}`
    let key = this.remembered(request, header, scope)
    let credentials: { username: string; password: string } | undefined
    if (key === undefined) {
      credentials = decodeBasic(partsOf(header).credential)
      key = credentialCacheKey(this.cacheKey, scope, credentials.username, credentials.password)
      this.remember(request, header, scope, key)
    }
    const epoch = this.watch.epoch()
    const hit = this.basics.get(key)
    if (
      hit !== undefined &&
      epoch !== undefined &&
      hit.epoch === epoch &&
      hit.until > now &&
      !this.failedUsers.has(hit.principal.userId)
    ) {
      return hit.principal
    }
    const { username, password } = credentials ?? decodeBasic(partsOf(header).credential)
    return this.verifyBasic(request, { key, username, password, customerCode, epoch, now, hit })
  }

  /** The slow path of Basic: read the user, check its flags and lock, and run argon2 unless it already agreed. */
  private async verifyBasic(
    request: FastifyRequest,
    c: {
      key: string
      username: string
      password: string
      customerCode: string | undefined
      epoch: number | undefined
      now: number
      hit: CachedBasic | undefined
    },
  ): Promise<Principal> {
    const { key, username, password, customerCode, epoch, now, hit } = c
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
    if (user.locked_until !== null && Date.parse(user.locked_until) > now) {
      await this.recordRefusedWhileLocked(request, tenantId, user, now)
      throw unauthenticated('This account is locked after repeated failed logins; try again later')
    }
    // The same password verified for this user, and nothing about the user changed since: argon2 agrees.
    const verified =
      hit !== undefined &&
      hit.principal.userId === userId &&
      hit.version === user.credentials_version &&
      hit.until > now
    if (!verified && !(await verifyPassword(user.password_hash, password))) {
      await this.recordFailure(request, tenantId, user, now)
      throw refused
    }
    if (user.failed_logins > 0 || user.locked_until !== null || this.failedUsers.has(userId)) {
      this.failedUsers.delete(userId)
      await this.repo.clearLoginFailures(tenantId, userId)
    }
    const principal: Principal = {
      tenantId,
      tenantCode: tenant.code,
      userId,
      username,
      actions: await this.actions(tenantId, userId),
      via: 'basic',
    }
    setBounded(this.basics, key, {
      principal,
      epoch,
      version: user.credentials_version,
      until: verified ? hit.until : now + BASIC_VERIFIED_MS,
    })
    return principal
  }

  /** Counts a failed password login, locks the account at the threshold, and audits either. */
  async recordFailure(
    request: FastifyRequest,
    tenantId: number,
    user: UserRow,
    now: number,
    scheme: 'basic' | 'session' = 'basic',
  ) {
    const userId = user.id
    this.failedUsers.add(userId)
    const { lockoutThreshold, lockoutMs } = this.ctx.config
    const after = await this.repo.recordLoginFailure(
      tenantId,
      userId,
      lockoutThreshold,
      new Date(now + lockoutMs).toISOString(),
    )
    const locked = after.locked_until !== null && after.locked_until !== user.locked_until
    if (locked) this.watch.changed()
    await this.auditLogin(request, tenantId, userId, locked ? 'auth.locked' : 'auth.failed', {
      scheme,
      failedLogins: after.failed_logins,
    })
  }

  /** An audit record of a refused Basic login, by nobody in particular, about the account it named. */
  private auditLogin(
    request: FastifyRequest,
    tenantId: number,
    userId: number,
    action: 'auth.failed' | 'auth.locked' | 'auth.refused',
    details: Record<string, unknown>,
  ): Promise<void> {
    return recordAudit(
      this.ctx.db,
      { tenantId, kind: 'anonymous', userId, tokenId: null, requestId: request.id },
      { action, entityType: 'user', entityId: userId, after: { scheme: 'basic', ...details } },
    )
  }

  /**
   * Audits a login refused because the account is locked — at most once a minute per account and instance, with
   * how many were refused since the last record: someone hammering a locked account must not flood the trail.
   */
  async recordRefusedWhileLocked(
    request: FastifyRequest,
    tenantId: number,
    user: UserRow,
    now: number,
    scheme: 'basic' | 'session' = 'basic',
  ) {
    const seen = this.refusedWhileLocked.get(user.id)
    if (seen && now - seen.since < LOCKED_AUDIT_EVERY_MS) {
      seen.count++
      return
    }
    if (this.refusedWhileLocked.size >= CACHE_MAX) this.refusedWhileLocked.clear()
    this.refusedWhileLocked.set(user.id, { since: now, count: 0 })
    await this.auditLogin(request, tenantId, user.id, 'auth.refused', {
      scheme,
      reason: 'locked',
      lockedUntil: user.locked_until,
      refusedSinceLastRecord: (seen?.count ?? 0) + 1,
    })
  }

  private async actions(tenantId: number, userId: number): Promise<ReadonlySet<RoleAction>> {
    return new Set((await this.repo.actionsOfUser(tenantId, userId)).filter(isRoleAction))
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

type Done = (err?: Error) => void

/**
 * Authorises the principal and counts the request against its rate limit, then lets the request go on.
 * Never lets `done` run inside a try: whatever the rest of the chain throws must not call it a second time.
 */
function admit(
  limiter: RateLimiter,
  request: FastifyRequest,
  reply: FastifyReply,
  action: RoleAction | 'authenticated',
  principal: Principal,
  now: number,
  done: Done,
): void {
  let counted: void | Promise<void>
  try {
    request.principal = principal
    authorise(principal, action)
    counted = limiter.count(principal, reply, now)
  } catch (err) {
    done(err as Error)
    return
  }
  if (counted instanceof Promise) {
    counted.then(() => {
      done()
    }, done)
  } else {
    done()
  }
}

/**
 * Authenticates and authorises every route that declares a role action, before its body is read; then counts
 * the request against its principal's rate limit. Public routes pass untouched.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const authenticator = new Authenticator(ctx, ctx.credentials)
  const limiter = new RateLimiter(ctx, app.log)
  app.addHook('onClose', () => limiter.close())
  app.decorateRequest('principal', null)
  void app.register(sessionRoutes, { authenticator })
  // A callback hook rather than an async one, and no closure made per request: a cached credential and in-memory
  // counters finish synchronously.
  app.addHook('onRequest', (request, reply, done) => {
    const action = request.routeOptions.config.action
    if (action === undefined || action === 'public') {
      done()
      return
    }
    // One clock reading for authentication and counting, unless authentication had to wait for the database.
    const now = Date.now()
    let principal: Principal | Promise<Principal>
    try {
      principal = authenticator.authenticate(request, now)
    } catch (err) {
      done(err as Error)
      return
    }
    if (principal instanceof Promise) {
      principal.then((p) => {
        admit(limiter, request, reply, action, p, Date.now(), done)
      }, done)
    } else {
      admit(limiter, request, reply, action, principal, now, done)
    }
  })
}
