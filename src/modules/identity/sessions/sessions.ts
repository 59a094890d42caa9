import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { AppContext } from '../../../context.js'
import { inTransaction } from '../../../db/database.js'
import { Forbidden, Unauthenticated } from '../../../errors.js'
import type { Principal } from '../../../http/route-config.js'
import { recordAudit, type Actor } from '../../audit/service.js'
import { isRoleAction } from '../actions.js'
import { readingOf, type CredentialsWatch } from '../auth/credentials-watch.js'
import { IdentityRepository } from '../repository.js'
import { SessionRepository, type SessionLookup } from './repository.js'
import { sha256Hex } from '../secrets.js'

const SESSION_COOKIE = 'trialdeck_session'
/** The header a cookie-authenticated write must carry: a cross-origin HTML form cannot set one. */
const CSRF_HEADER = 'x-trialdeck-csrf'
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** last_seen_at is written at most this often per session (and at least ten times per idle timeout). */
const TOUCH_EVERY_MS = 60_000
const CACHE_MAX = 10_000
/** Expired sessions are deleted at most this often per instance. */
const SWEEP_EVERY_MS = 10 * 60_000

/** The session id in a Cookie header, if there is one. */
export function sessionIdOf(cookie: string | undefined): string | undefined {
  if (cookie === undefined) return undefined
  const at = cookie.indexOf(`${SESSION_COOKIE}=`)
  if (at < 0 || (at > 0 && cookie[at - 1] !== ' ' && cookie[at - 1] !== ';')) return undefined
  const start = at + SESSION_COOKIE.length + 1
  const end = cookie.indexOf(';', start)
  return cookie.slice(start, end < 0 ? undefined : end).trim()
}

/**
 * `Set-Cookie` for a session id: a browser-session cookie (gone when the browser closes; the server ends the
 * session anyway at its expiry), `Secure` when the request came over HTTPS.
 */
export function sessionCookie(request: FastifyRequest, id: string, clear = false): string {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  const maxAge = clear ? '; Max-Age=0' : ''
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/${maxAge}${secure}`
}

export function clearedSessionCookie(request: FastifyRequest): string {
  return sessionCookie(request, '', true)
}

/** The origin this server answers at, as the browser spells it (no default port). */
function ownOrigin(request: FastifyRequest): string | undefined {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin
  } catch {
    return undefined
  }
}

/** Refuses a request whose `Origin` (when sent) is not this server's: a page elsewhere made it. */
export function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin
  if (origin === undefined) return
  let sent: string | undefined
  try {
    sent = new URL(origin).origin
  } catch {
    sent = undefined
  }
  if (sent === undefined || sent !== ownOrigin(request)) {
    throw new Forbidden(
      `Cross-origin request refused: Origin ${origin} is not this server's (${ownOrigin(request) ?? '?'})`,
    )
  }
}

/**
 * CSRF protection for cookie-authenticated writes: the custom header (which a cross-origin form cannot send, and
 * a cross-origin script cannot send without a CORS preflight this server never grants) and, when the browser
 * says where the request comes from, the same origin.
 */
function checkCsrf(request: FastifyRequest): void {
  if (!UNSAFE.has(request.method)) return
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new Forbidden(
      `Cross-site request refused: a write with a session cookie must send the header X-Trialdeck-CSRF: 1`,
    )
  }
  checkOrigin(request)
}

/** A new session id (256 random bits, url-safe) and the SHA-256 that is all the database keeps of it. */
function newSessionId(): { id: string; hash: string } {
  const id = randomBytes(32).toString('base64url')
  return { id, hash: sha256Hex(id) }
}

export interface SessionTimes {
  expiresAt: string
  idleExpiresAt: string
}

interface CachedSession {
  principal: Principal
  epoch: number | undefined
}

/**
 * Sessions: made at sign-in, read on every cookie-authenticated request (one query, so that a sign-out anywhere takes
 * effect at once), ended by sign-out. Principals are cached per session while the credentials
 * epoch stands, so role actions are not read again on every request.
 */
export class Sessions {
  readonly repo: SessionRepository
  private readonly identity: IdentityRepository
  private readonly cache = new LRUCache<string, CachedSession>({ max: CACHE_MAX })
  private sweptAt = 0

  constructor(
    private readonly ctx: AppContext,
    private readonly watch: CredentialsWatch,
  ) {
    this.repo = new SessionRepository(ctx.database)
    this.identity = new IdentityRepository(ctx.db)
  }

  private ended(request: FastifyRequest, message: string): Unauthenticated {
    const err = new Unauthenticated(message)
    err.headers['set-cookie'] = clearedSessionCookie(request)
    return err
  }

  /** The idle and absolute expiry of a session last seen at `lastSeen` (epoch ms). */
  timesOf(row: { expires_at: string }, lastSeen: number): SessionTimes {
    const absolute = Date.parse(row.expires_at)
    const idle = Math.min(absolute, lastSeen + this.ctx.config.sessionIdleTimeoutMs)
    return { expiresAt: new Date(absolute).toISOString(), idleExpiresAt: new Date(idle).toISOString() }
  }

  /** The principal of a request that came with a session cookie (and no Authorization header). */
  async authenticate(request: FastifyRequest, id: string, now: number): Promise<Principal> {
    checkCsrf(request)
    if (!SESSION_ID.test(id)) throw this.ended(request, 'Your session has ended; sign in again')
    const hash = sha256Hex(id)
    const { epoch } = readingOf(request, this.watch)
    const row = await this.repo.lookup(hash)
    if (!row) throw this.ended(request, 'Your session has ended; sign in again')
    const lastSeen = Date.parse(row.last_seen_at)
    const { idleExpiresAt } = this.timesOf(row, lastSeen)
    if (Date.parse(idleExpiresAt) <= now) {
      await this.repo.delete(this.ctx.db, row.tenant_id, row.session_id)
      throw this.ended(request, 'Your session has expired; sign in again')
    }
    const code = request.headers.customercode
    if (
      typeof code === 'string' &&
      code.trim() !== '' &&
      code.trim().toLowerCase() !== row.tenant_code.toLowerCase()
    )
      throw new Unauthenticated(`customerCode ${code.trim()} does not match this session`)
    if (!row.active) throw this.ended(request, 'This account is inactive')
    if (row.locked_until !== null && Date.parse(row.locked_until) > now)
      throw this.ended(request, 'This account is locked after repeated failed logins; try again later')
    if (row.must_change_password === 1 && request.routeOptions.config.beforePasswordChange !== true)
      throw new Forbidden('You must change your password first (PUT /api/v1/me/password)')
    if (now - lastSeen > Math.min(TOUCH_EVERY_MS, this.ctx.config.sessionIdleTimeoutMs / 10)) {
      await this.repo.touch(row.tenant_id, row.session_id, new Date(now).toISOString())
      this.sweep(now)
    }
    return this.principalOf(hash, row, epoch)
  }

  private async principalOf(hash: string, row: SessionLookup, epoch: number | undefined): Promise<Principal> {
    const hit = this.cache.get(hash)
    const mustChangePassword = row.must_change_password === 1
    if (
      hit !== undefined &&
      epoch !== undefined &&
      hit.epoch === epoch &&
      hit.principal.mustChangePassword === mustChangePassword
    )
      return hit.principal
    const actions = await this.identity.actionsOfUser(row.tenant_id, row.user_id)
    const principal: Principal = {
      tenantId: row.tenant_id,
      tenantCode: row.tenant_code,
      userId: row.user_id,
      username: row.username,
      actions: new Set(actions.filter(isRoleAction)),
      via: 'session',
      sessionId: row.session_id,
      mustChangePassword,
    }
    if (epoch !== undefined) this.cache.set(hash, { principal, epoch })
    return principal
  }

  /** Deletes expired sessions now and then, in the background (they never authenticate in any case). */
  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return
    this.sweptAt = now
    const idleBefore = new Date(now - this.ctx.config.sessionIdleTimeoutMs).toISOString()
    this.repo.deleteExpired(new Date(now).toISOString(), idleBefore).catch(() => undefined)
  }

  /** A new session for a user who just signed in; audited. */
  async create(
    actor: Actor & { userId: number },
    now: number,
  ): Promise<{ id: string; sessionId: number } & SessionTimes> {
    const { id, hash } = newSessionId()
    const expires = new Date(now + this.ctx.config.sessionMaxAgeMs).toISOString()
    const sessionId = await inTransaction(this.ctx.db, async (trx) => {
      const at = new Date(now).toISOString()
      const sid = await this.repo.insert(trx, actor.tenantId, actor.userId, hash, at, expires)
      await recordAudit(trx, actor, {
        action: 'session.create',
        entityType: 'session',
        entityId: sid,
        after: { userId: actor.userId, expiresAt: expires },
      })
      return sid
    })
    return { id, sessionId, ...this.timesOf({ expires_at: expires }, now) }
  }

  /** Ends the session of the request (sign-out); audited when it was still there. */
  async end(actor: Actor, sessionId: number): Promise<void> {
    await inTransaction(this.ctx.db, async (trx) => {
      if (!(await this.repo.delete(trx, actor.tenantId, sessionId))) return
      await recordAudit(trx, actor, { action: 'session.end', entityType: 'session', entityId: sessionId })
    })
  }

  /** Ends every session of the user ("sign out everywhere"), or all but `keep`; audited. */
  async endAll(actor: Actor, userId: number, keep?: number): Promise<number> {
    return inTransaction(this.ctx.db, async (trx) => {
      const ended = await this.repo.deleteOfUser(trx, actor.tenantId, userId, keep)
      await recordAudit(trx, actor, {
        action: 'session.end-all',
        entityType: 'user',
        entityId: userId,
        after: { sessionsEnded: ended, ...(keep !== undefined ? { kept: keep } : {}) },
      })
      return ended
    })
  }
}

/**
 * A script in a browser (fetch or XHR: `Sec-Fetch-Mode` other than `navigate`) gets no `WWW-Authenticate`
 * challenge with its 401: the browser would answer it with its own password dialog over the web app.
 */
export function withoutChallengeForScripts<E extends Unauthenticated>(request: FastifyRequest, err: E): E {
  const mode = request.headers['sec-fetch-mode']
  if (mode !== undefined && mode !== 'navigate') delete err.headers['WWW-Authenticate']
  return err
}
