import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../../config.js'
import { TooManyRequests } from '../../../errors.js'
import { MemoryCounters, RedisCounters, type CounterStore, type Window } from './rate-limit.js'

/**
 * Failed password logins per client address: at most `LOGIN_FAIL_MAX` per `LOGIN_FAIL_WINDOW` (a fixed
 * window), then 429 with `Retry-After` for any password login from that address until the window ends, right
 * password or not (else the 429 would itself tell a right guess from a wrong one). Kept below the account lockout
 * threshold, one address reaches its own limit before it can lock anybody's account; the lockout is left for
 * guessing spread over many addresses. The address is the socket's, or with `TRUST_PROXY` the client that
 * `X-Forwarded-For` names (fastify's `request.ip`).
 *
 * Each attempt is counted before its password is checked, so parallel attempts cannot overrun the limit; a
 * success takes its count back. Counters live in memory, or in Redis with `REDIS_URL` (shared by every instance).
 */
export class LoginSources {
  private readonly counters: CounterStore

  constructor(
    private readonly config: Pick<Config, 'loginSourceMax' | 'loginSourceWindowMs' | 'redisUrl'>,
    log: FastifyBaseLogger,
  ) {
    const { redisUrl, loginSourceWindowMs } = config
    this.counters =
      redisUrl === undefined ? new MemoryCounters(loginSourceWindowMs) : new RedisCounters(redisUrl, log)
  }

  private key(source: string): string {
    return `login-source:${source}`
  }

  /** Counts an attempt from `source`; throws TooManyRequests once the address has used up its window. */
  async claim(source: string, now: number): Promise<void> {
    const window: Window | undefined = await this.counters.hit(
      this.key(source),
      this.config.loginSourceWindowMs,
      now,
    )
    if (window === undefined || window.count <= this.config.loginSourceMax) return
    const seconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000))
    const minutes = Math.ceil(seconds / 60)
    const err = new TooManyRequests(
      `Too many failed sign-ins from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    )
    err.headers['retry-after'] = String(seconds)
    throw err
  }

  /** The attempt succeeded: it does not count against the address. */
  release(source: string): Promise<void> {
    return Promise.resolve(this.counters.undo(this.key(source)))
  }

  close(): Promise<void> {
    return this.counters.close()
  }
}
