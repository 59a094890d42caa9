import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../../context.js'
import { Forbidden, Unauthenticated } from '../../../errors.js'
import type { Principal } from '../../../http/route-config.js'
import { isRoleAction, type RoleAction } from '../actions.js'
import { AuthLookups } from './lookups.js'
import type { CredentialsWatch } from './credentials-watch.js'
import { RateLimiter } from './rate-limit.js'
import { PasswordLogin, type SignedIn } from './password-login.js'
import { IdentityRepository } from '../repository.js'
import { credentialCacheKey, sha256Hex, TOKEN_PREFIX } from '../secrets.js'
import sessionRoutes from '../sessions/routes.js'
import { Sessions, sessionIdOf, withoutChallengeForScripts } from '../sessions/sessions.js'

const CHALLENGE = 'Basic realm="Trialdeck", charset="UTF-8", Bearer realm="Trialdeck"'
/** How long a successful Basic verification is remembered before argon2 runs again. */
const BASIC_VERIFIED_MS = 60_000
const CACHE_MAX = 10_000
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
  /** The stored argon2 hash it verified against: a password changed by hand, version unchanged, is seen too. */
  passwordHash: string
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
  /** Basic sign-ins under way, by credential key: concurrent requests with the same credential wait for one. */
  private readonly verifying = new Map<string, Promise<Principal>>()
  /** Browser sessions: the third way to authenticate, by cookie, when there is no Authorization header. */
  readonly sessions: Sessions

  constructor(
    readonly ctx: AppContext,
    private readonly watch: CredentialsWatch,
    readonly passwords: PasswordLogin,
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
    // Requests arriving together with the same credential share one sign-in: a burst of parallel calls on a cold
    // cache is one login attempt, not many (each would claim one of the account's lockout attempts).
    const pending = this.verifying.get(key)
    if (pending !== undefined) return pending
    const { username, password } = credentials ?? decodeBasic(partsOf(header).credential)
    const verifying = this.verifyBasic(request, { key, username, password, customerCode, epoch, now, hit })
    this.verifying.set(key, verifying)
    return verifying.finally(() => this.verifying.delete(key))
  }

  /** The slow path of Basic: the one password sign-in (PasswordLogin), then the result remembered. */
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
    const stillVerified = hit !== undefined && hit.until > now
    let signedIn: SignedIn
    try {
      signedIn = await this.passwords.login({
        username,
        password,
        customerCode,
        hostname: request.hostname,
        source: request.ip,
        via: 'basic',
        requestId: request.id,
        now,
        verified: stillVerified
          ? { userId: hit.principal.userId, version: hit.version, passwordHash: hit.passwordHash }
          : undefined,
      })
    } catch (err) {
      if (err instanceof Unauthenticated) {
        if (hit !== undefined) this.failedUsers.add(hit.principal.userId)
        err.headers['WWW-Authenticate'] = CHALLENGE
      }
      throw err
    }
    this.failedUsers.delete(signedIn.userId)
    const principal: Principal = {
      tenantId: signedIn.tenantId,
      tenantCode: signedIn.tenantCode,
      userId: signedIn.userId,
      username,
      actions: signedIn.actions,
      via: 'basic',
    }
    setBounded(this.basics, key, {
      principal,
      epoch,
      version: signedIn.credentialsVersion,
      passwordHash: signedIn.passwordHash,
      until: !signedIn.checked && stillVerified ? hit.until : now + BASIC_VERIFIED_MS,
    })
    return principal
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
  const passwords = new PasswordLogin(ctx, app.log)
  const authenticator = new Authenticator(ctx, ctx.credentials, passwords)
  const limiter = new RateLimiter(ctx, app.log)
  app.addHook('onClose', () => Promise.all([limiter.close(), passwords.close()]).then(() => undefined))
  app.decorateRequest('principal', null)
  app.decorate('passwordLogin', passwords)
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
