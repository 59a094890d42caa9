import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { AppContext } from '../../../context.js'
import { Forbidden, Unauthenticated } from '../../../errors.js'
import type { Principal } from '../../../http/route-config.js'
import { isRoleAction, type RoleAction } from '../actions.js'
import { AuthLookups } from './lookups.js'
import { readingOf, type CredentialsWatch } from './credentials-watch.js'
import { RateLimiter } from './rate-limit.js'
import { PasswordLogin, type SignedIn } from './password-login.js'
import { IdentityRepository } from '../repository.js'
import { credentialCacheKey, sha256Hex, TOKEN_PREFIX } from '../secrets.js'
import sessionRoutes from '../sessions/routes.js'
import { Sessions, sessionIdOf, withoutChallengeForScripts } from '../sessions/sessions.js'

const CHALLENGE = 'Basic realm="Trialdeck", charset="UTF-8", Bearer realm="Trialdeck"'
/** How long a successful Basic verification is remembered before argon2 runs again. */
const BASIC_VERIFIED_MS = 60_000
/** Credentials remembered per kind (tokens, Basic): the least recently used go first. */
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
  epoch: number
  tenantKey: string
  expiresAt: number
  touchedAt: number
}

/** A Basic credential that verified: the principal as of `epoch`, and argon2's word until `until`. */
interface CachedBasic {
  principal: Principal
  epoch: number
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

/** An Authorization header's scheme, lower-cased (RFC 9110 §11.1), and the credential after it. */
function partsOf(header: string): { scheme: string; credential: string } {
  const value = header.trim()
  const space = value.indexOf(' ')
  if (space < 0) return { scheme: value.toLowerCase(), credential: '' }
  return { scheme: value.slice(0, space).toLowerCase(), credential: value.slice(space + 1).trim() }
}

/** The customerCode header, if it names one. */
function customerCodeOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers.customercode
  const code = Array.isArray(v) ? v[0] : v
  return code === undefined || code.trim() === '' ? undefined : code.trim()
}

/**
 * Turns a request's credential into a Principal. A credential that authenticated is remembered, under the SHA-256
 * of the credential, together with the credentials epoch it was read under; while the epoch stands, the next
 * request with it costs a hash and a cache lookup. Every committed change to users' credentials, tokens, roles or
 * tenants moves the epoch, on every instance (see CredentialsWatch), so revocation, deactivation, locks and role
 * removal take effect on the next request. Argon2 runs only for a Basic credential not seen before, after its
 * user's credentials version changed, or once BASIC_VERIFIED_MS has passed.
 */
export class Authenticator {
  private readonly repo: IdentityRepository
  private readonly lookups: AuthLookups
  /** Makes the Basic cache's keys useless outside this process (see credentialCacheKey). */
  private readonly cacheKey = randomBytes(32).toString('hex')
  /** By the token's SHA-256, which is also what the database stores. */
  private readonly tokens = new LRUCache<string, CachedToken>({ max: CACHE_MAX })
  /** By credentialCacheKey: the Basic header and what the tenant is resolved from. */
  private readonly basics = new LRUCache<string, CachedBasic>({ max: CACHE_MAX })
  /** Users with a failed Basic login here since their last success: their next success resets the count. */
  private readonly failedUsers = new Set<number>()
  /** Basic sign-ins under way, by cache key: concurrent requests with the same credential wait for one. */
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

  /** `now` is the request's clock reading (epoch ms). */
  async authenticate(request: FastifyRequest, now: number): Promise<Principal> {
    const headers = request.headers
    const header = headers.authorization
    if (header === undefined || header.trim() === '') {
      const session = sessionIdOf(headers.cookie)
      if (session !== undefined) return this.sessions.authenticate(request, session, now)
      throw withoutChallengeForScripts(
        request,
        unauthenticated('Authentication required: send Authorization: Basic … or Bearer …, or sign in'),
      )
    }
    const { scheme, credential } = partsOf(header)
    if (scheme === 'bearer') return this.bearer(request, credential, customerCodeOf(headers), now)
    if (scheme === 'basic') return this.basic(request, credential, customerCodeOf(headers), now)
    throw unauthenticated(`Unsupported authorization scheme ${scheme}; use Basic or Bearer`)
  }

  private async bearer(
    request: FastifyRequest,
    secret: string,
    customerCode: string | undefined,
    now: number,
  ): Promise<Principal> {
    if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 200) throw unauthenticated('Invalid API token')
    const hash = sha256Hex(secret)
    // Read before the rows are: a change committed meanwhile moves the epoch past this stamp.
    const { epoch } = readingOf(request, this.watch)
    const hit = this.tokens.get(hash)
    const token = hit !== undefined && hit.epoch === epoch ? hit : await this.loadToken(hash, epoch)
    if (token.expiresAt <= now) throw unauthenticated('This API token has expired')
    if (customerCode !== undefined && customerCode.toLowerCase() !== token.tenantKey) {
      throw unauthenticated(`customerCode ${customerCode} does not match this API token`)
    }
    if (now - token.touchedAt > TOUCH_EVERY_MS) {
      token.touchedAt = now
      const { tenantId, tokenId = 0 } = token.principal
      await this.repo.touchToken(tenantId, tokenId, new Date(now).toISOString())
    }
    return token.principal
  }

  /** Reads a token, its user and the user's role actions; remembers them when the token may authenticate. */
  private async loadToken(hash: string, epoch: number | undefined): Promise<CachedToken> {
    const row = await this.lookups.tokenByHash(hash)
    if (!row) throw unauthenticated('Invalid API token')
    if (row.revoked_at !== null) throw unauthenticated('This API token has been revoked')
    if (!row.active) throw unauthenticated('The account of this API token is inactive')
    const principal: Principal = {
      tenantId: row.tenant_id,
      tenantCode: row.tenant_code,
      userId: row.user_id,
      username: row.username,
      actions: await this.actions(row.tenant_id, row.user_id),
      via: 'bearer',
      tokenId: row.token_id,
    }
    const token = {
      principal,
      tenantKey: row.tenant_code.toLowerCase(),
      expiresAt: row.expires_at === null ? Infinity : Date.parse(row.expires_at),
      touchedAt: row.last_used_at === null ? 0 : Date.parse(row.last_used_at),
    }
    // Without an epoch (changes elsewhere cannot be seen just now) nothing is remembered.
    if (epoch !== undefined) this.tokens.set(hash, { ...token, epoch })
    return { ...token, epoch: epoch ?? -1 }
  }

  /** `credential` is what follows `Basic `. */
  private basic(
    request: FastifyRequest,
    credential: string,
    customerCode: string | undefined,
    now: number,
  ): Promise<Principal> {
    // What the tenant is resolved from belongs to the key: the same credential may name another tenant elsewhere.
    const scope =
      customerCode === undefined ? `host:${request.hostname}` : `code:${customerCode.toLowerCase()}`
    const key = credentialCacheKey(this.cacheKey, scope, credential)
    const { epoch } = readingOf(request, this.watch)
    const hit = this.basics.get(key)
    if (
      hit !== undefined &&
      hit.epoch === epoch &&
      hit.until > now &&
      !this.failedUsers.has(hit.principal.userId)
    ) {
      return Promise.resolve(hit.principal)
    }
    // Requests arriving together with the same credential share one sign-in: a burst of parallel calls on a cold
    // cache is one login attempt, not many (each would claim one of the account's lockout attempts).
    let pending = this.verifying.get(key)
    if (pending === undefined) {
      const { username, password } = decodeBasic(credential)
      pending = this.verifyBasic(request, { key, username, password, customerCode, epoch, now, hit }).finally(
        () => this.verifying.delete(key),
      )
      this.verifying.set(key, pending)
    }
    return pending
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
    if (epoch !== undefined) {
      this.basics.set(key, {
        principal,
        epoch,
        version: signedIn.credentialsVersion,
        passwordHash: signedIn.passwordHash,
        until: !signedIn.checked && stillVerified ? hit.until : now + BASIC_VERIFIED_MS,
      })
    }
    return principal
  }

  private async actions(tenantId: number, userId: number): Promise<ReadonlySet<RoleAction>> {
    return new Set((await this.repo.actionsOfUser(tenantId, userId)).filter(isRoleAction))
  }
}

/** Throws unless the principal may do `action`; programmatic calls also need `api`. */
function authorise(principal: Principal, action: RoleAction | 'authenticated'): void {
  if (principal.via !== 'session' && !principal.actions.has('api')) {
    throw new Forbidden('This account lacks the role action api, which every API call needs', 'api')
  }
  if (action !== 'authenticated' && !principal.actions.has(action)) {
    throw new Forbidden(`This account lacks the role action ${action}, which this operation needs`, action)
  }
}

/**
 * Authenticates and authorises every route that declares a role action, before its body is read; then counts
 * the request against its principal's rate limit. Public routes (`/healthz`, the web app's files) pass at once.
 * A global hook, so that it runs before the hooks of the modules' own plugins, which may read the principal.
 */
export function registerAuthentication(app: FastifyInstance, ctx: AppContext): void {
  const passwords = new PasswordLogin(ctx, app.log)
  const authenticator = new Authenticator(ctx, ctx.credentials, passwords)
  const limiter = new RateLimiter(ctx, app.log)
  app.addHook('onClose', () => Promise.all([limiter.close(), passwords.close()]).then(() => undefined))
  app.decorateRequest('principal', null)
  app.decorateRequest('reading', null)
  app.decorate('passwordLogin', passwords)
  async function admit(request: FastifyRequest, reply: FastifyReply, action: RoleAction | 'authenticated') {
    const principal = await authenticator.authenticate(request, Date.now())
    request.principal = principal
    authorise(principal, action)
    await limiter.count(principal, reply, Date.now())
  }
  // A callback hook, so that a public request (/healthz, the web app's files) costs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    const action = request.routeOptions.config.action
    if (action === undefined || action === 'public') done()
    else
      admit(request, reply, action).then(() => {
        done()
      }, done)
  })
  void app.register(sessionRoutes, { authenticator })
}
