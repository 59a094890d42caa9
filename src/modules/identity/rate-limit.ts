import type { FastifyInstance, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { Redis } from 'ioredis'
import type { AppContext } from '../../context.js'
import { TooManyRequests } from '../../errors.js'
import { IdentityRepository } from './repository.js'
import { settingsOf } from './service.js'

/** How long a tenant's own limit (settings.rateLimitMax) is remembered before it is read again. */
const TENANT_LIMIT_TTL_MS = 10_000

/** Per-tenant request limits, read from the tenant's settings and cached briefly. */
class TenantLimits {
  private readonly cache = new Map<number, { max: number; until: number }>()
  private readonly repo: IdentityRepository

  constructor(private readonly ctx: AppContext) {
    this.repo = new IdentityRepository(ctx.db)
  }

  /** Synchronous when cached, so the common case adds no database round trip and no extra tick. */
  maxFor(tenantId: number): number | Promise<number> {
    const hit = this.cache.get(tenantId)
    if (hit && hit.until > Date.now()) return hit.max
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

/** Whose counter a request counts against: its token, or its user (Basic); unauthenticated routes are not limited. */
export function rateLimitKey(request: FastifyRequest): string {
  const p = request.principal
  if (!p) return `anonymous:${request.ip}`
  return p.tokenId !== undefined ? `${p.tenantCode}:token:${p.tokenId}` : `${p.tenantCode}:user:${p.userId}`
}

/**
 * Rate limiting per principal (token or user), after authentication: `RATE_LIMIT_MAX` requests per
 * `RATE_LIMIT_WINDOW`, or the tenant's own `rateLimitMax`. Counters live in memory, or in Redis when
 * `REDIS_URL` is set so that several instances share them. Answers 429 with `Retry-After` and the
 * `RateLimit-*` headers; every limited response carries `RateLimit-Limit/Remaining/Reset`.
 */
export function registerRateLimit(app: FastifyInstance, ctx: AppContext): void {
  const limits = new TenantLimits(ctx)
  const { redisUrl, rateLimitWindowMs } = ctx.config
  const redis =
    redisUrl === undefined
      ? undefined
      : new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, enableAutoPipelining: true })
  if (redis) {
    redis.on('error', (err: Error) => {
      app.log.warn({ err: err.message }, 'Redis (rate-limit counters) unavailable; not limiting meanwhile')
    })
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => undefined)
    })
  }
  void app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    enableDraftSpec: true,
    timeWindow: rateLimitWindowMs,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.principal === null,
    max: async (request) => (request.principal ? limits.maxFor(request.principal.tenantId) : 0),
    errorResponseBuilder: (_request, context) => {
      const err = new TooManyRequests(
        `Rate limit of ${context.max} requests per ${Math.round(rateLimitWindowMs / 1000)}s exceeded for this ` +
          `credential; retry in ${context.after}`,
      )
      return err
    },
    ...(redis ? { redis, nameSpace: 'trialdeck:rate:', skipOnError: true } : {}),
  })
}
