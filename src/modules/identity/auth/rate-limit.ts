import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { Redis } from 'ioredis'
import type { AppContext } from '../../../context.js'
import type { Principal } from '../../../http/route-config.js'
import { TooManyRequests } from '../../../errors.js'
import { IdentityRepository } from '../repository.js'
import { settingsOf } from '../service.js'

/** How long a tenant's own limit (settings.rateLimitMax) is remembered before it is read again. */
const TENANT_LIMIT_TTL_MS = 10_000
const REDIS_PREFIX = 'trialdeck:rate:'

/** Per-tenant request limits, read from the tenant's settings and cached briefly. */
class TenantLimits {
  private readonly cache = new Map<number, { max: number; until: number }>()
  private readonly repo: IdentityRepository

  constructor(private readonly ctx: AppContext) {
    this.repo = new IdentityRepository(ctx.db)
  }

  /** Synchronous when cached, so the common case adds no database round trip and no extra tick. */
  maxFor(tenantId: number, now: number): number | Promise<number> {
    const hit = this.cache.get(tenantId)
    if (hit && hit.until > now) return hit.max
    return this.load(tenantId)
  }

  private async load(tenantId: number): Promise<number> {
    const tenant = await this.repo.findTenantById(tenantId)
    const own = tenant ? settingsOf(tenant).rateLimitMax : undefined
    const max =
      typeof own === 'number' && Number.isInteger(own) && own > 0 ? own : this.ctx.config.rateLimitMax
    if (this.cache.size > 10_000) this.cache.clear()
    this.cache.set(tenantId, { max, until: Date.now() + TENANT_LIMIT_TTL_MS })
    return max
  }
}

/** Requests counted so far in the principal's current window, and when that window ends (epoch ms). */
export interface Window {
  count: number
  resetAt: number
}

export interface CounterStore {
  /** Counts one request; `undefined` when the counters cannot be reached (the request is then let through). */
  hit(key: string, windowMs: number, now: number): Window | undefined | Promise<Window | undefined>
  /** Takes back one count of the key's current window, if it still has one. */
  undo(key: string): void | Promise<void>
  close(): Promise<void>
}

/** Fixed windows in this process's memory; windows that ended are swept once per window length. */
export class MemoryCounters implements CounterStore {
  private readonly windows = new Map<string, Window>()
  private readonly sweeper: NodeJS.Timeout

  constructor(windowMs: number) {
    this.sweeper = setInterval(() => {
      const now = Date.now()
      for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key)
    }, windowMs)
    this.sweeper.unref()
  }

  hit(key: string, windowMs: number, now: number): Window {
    let w = this.windows.get(key)
    if (w === undefined || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs }
      this.windows.set(key, w)
    }
    w.count++
    return w
  }

  undo(key: string): void {
    const w = this.windows.get(key)
    if (w !== undefined && w.count > 0) w.count--
  }

  close(): Promise<void> {
    clearInterval(this.sweeper)
    return Promise.resolve()
  }
}

/** Counts and expiry in one atomic step: INCR, PEXPIRE on the first request of a window, PTTL. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`

/** Takes one count back, unless the window has ended meanwhile (the key is gone). */
const UNDO_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('DECR', KEYS[1]) end
return 0`

type RedisWithHit = Redis & {
  trialdeckHit(key: string, windowMs: number): Promise<[number, number]>
  trialdeckUndo(key: string): Promise<number>
}

/** Fixed windows in Redis, shared by every instance that points at it. */
export class RedisCounters implements CounterStore {
  private readonly redis: Redis

  constructor(url: string, log: FastifyBaseLogger) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true })
    this.redis.on('error', (err: Error) => {
      log.warn({ err: err.message }, 'Redis (rate-limit counters) unavailable; not limiting meanwhile')
    })
    this.redis.defineCommand('trialdeckHit', { numberOfKeys: 1, lua: HIT_SCRIPT })
    this.redis.defineCommand('trialdeckUndo', { numberOfKeys: 1, lua: UNDO_SCRIPT })
  }

  async hit(key: string, windowMs: number): Promise<Window | undefined> {
    try {
      const [count, ttl] = await (this.redis as RedisWithHit).trialdeckHit(REDIS_PREFIX + key, windowMs)
      return { count, resetAt: Date.now() + ttl }
    } catch {
      return undefined
    }
  }

  async undo(key: string): Promise<void> {
    await (this.redis as RedisWithHit).trialdeckUndo(REDIS_PREFIX + key).catch(() => undefined)
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined)
  }
}

/** Whose counter a request counts against: its token, or its user (Basic and sessions). */
export function rateLimitKey(p: Principal): string {
  return p.tokenId !== undefined ? `${p.tenantCode}:token:${p.tokenId}` : `${p.tenantCode}:user:${p.userId}`
}

/**
 * Rate limiting per principal (token or user), counted right after authentication: `RATE_LIMIT_MAX` requests
 * per `RATE_LIMIT_WINDOW` (a fixed window), or the tenant's own `rateLimitMax`. Counters live in memory, or in
 * Redis when `REDIS_URL` is set so that several instances share them (if Redis cannot be reached, requests are
 * let through and a warning is logged). Responses near the limit carry `RateLimit` (see `answer`); over the
 * limit → 429 with `Retry-After`. Unauthenticated (public) routes are not limited.
 *
 * Not `@fastify/rate-limit`: its hook awaited four promises per request, which cost more than authenticating a
 * cached credential (bench/auth.ts); this one is synchronous when the counters and the tenant's limit are in memory.
 */
export class RateLimiter {
  private readonly limits: TenantLimits
  private readonly counters: CounterStore
  private readonly windowMs: number
  private readonly fieldsAlways: boolean
  /** Each principal's counter key, made once: principals are cached and reused for as long as they are valid. */
  private readonly keys = new WeakMap<Principal, string>()

  constructor(ctx: AppContext, log: FastifyBaseLogger) {
    this.limits = new TenantLimits(ctx)
    this.windowMs = ctx.config.rateLimitWindowMs
    this.fieldsAlways = ctx.config.rateLimitFields === 'always'
    const { redisUrl } = ctx.config
    this.counters =
      redisUrl === undefined ? new MemoryCounters(this.windowMs) : new RedisCounters(redisUrl, log)
  }

  /**
   * Counts the request made at `now` (epoch ms); throws TooManyRequests over the limit. Returns a promise only
   * when it has to wait.
   */
  count(principal: Principal, reply: FastifyReply, now: number): void | Promise<void> {
    const max = this.limits.maxFor(principal.tenantId, now)
    if (typeof max !== 'number') return max.then((m) => this.countWith(principal, reply, m, Date.now()))
    return this.countWith(principal, reply, max, now)
  }

  private countWith(
    principal: Principal,
    reply: FastifyReply,
    max: number,
    now: number,
  ): void | Promise<void> {
    let key = this.keys.get(principal)
    if (key === undefined) {
      key = rateLimitKey(principal)
      this.keys.set(principal, key)
    }
    const window = this.counters.hit(key, this.windowMs, now)
    if (window instanceof Promise)
      return window.then((w) => {
        this.answer(reply, max, w, Date.now())
      })
    this.answer(reply, max, window, now)
  }

  /**
   * The fields of draft-ietf-httpapi-ratelimit-headers (-10): `RateLimit: "default";r=<remaining>;t=<seconds to
   * reset>` once a principal has at most a quarter of its quota left in the window (or on every response with
   * `RATE_LIMIT_FIELDS=always`); over the limit, a 429 that adds the policy, `RateLimit-Policy:
   * "default";q=<quota>;w=<window seconds>`, and `Retry-After`.
   * Not on every response by default, as the draft's "Performance Considerations" allow ("an implementer
   * concerned with performance might provide RateLimit header fields only when a given quota is close to
   * exhaustion"): writing one more response field costs Node and fastify ~3,400 instructions, about two fifths of
   * what authentication adds to a small GET (bench/auth.ts). For the same reason one field, not the older drafts'
   * RateLimit-Limit/-Remaining/-Reset.
   */
  private answer(reply: FastifyReply, max: number, window: Window | undefined, now: number): void {
    if (window === undefined) return
    const over = window.count > max
    const remaining = Math.max(0, max - window.count)
    if (!over && !this.fieldsAlways && remaining * 4 > max) return
    const reset = Math.max(0, Math.ceil((window.resetAt - now) / 1000))
    const state = `"default";r=${remaining};t=${reset}`
    if (!over) {
      reply.header('ratelimit', state)
      return
    }
    const seconds = Math.round(this.windowMs / 1000)
    const err = new TooManyRequests(
      `Rate limit of ${max} requests per ${seconds}s exceeded for this credential; retry in ${reset} seconds`,
    )
    Object.assign(err.headers, {
      ratelimit: state,
      'ratelimit-policy': `"default";q=${max};w=${seconds}`,
      'retry-after': String(Math.max(1, reset)),
    })
    throw err
  }

  close(): Promise<void> {
    return this.counters.close()
  }
}
