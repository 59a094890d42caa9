import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { TooManyRequests, Unauthenticated } from '../../errors.js'
import type { Authenticator } from './auth.js'
import { IdentityRepository, type TenantRow, type UserRow } from './repository.js'
import { hashPassword, verifyPassword } from './secrets.js'

/** The one answer to any failed sign-in, whatever the reason: nothing to learn about accounts from it. */
export const SIGN_IN_REFUSED = 'Invalid username or password'
const SOURCES_MAX = 10_000

let dummyHash: Promise<string> | undefined
/** An argon2id hash of a random password, verified against when there is no account, so the cost is the same. */
function dummy(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}

export interface SignInInput {
  username: string
  password: string
  customerCode?: string | undefined
}

/**
 * A person signing in with username and password: the tenant resolved as for Basic (customerCode → the host's
 * first label → the only tenant), then the same lock, failure counting, lockout and audit as Basic, but Basic
 * need not be enabled on the account. Every refusal is the same 401 and costs one argon2 verification.
 */
export async function signInWithPassword(
  auth: Authenticator,
  repo: IdentityRepository,
  request: FastifyRequest,
  input: SignInInput,
  now: number,
): Promise<{ tenant: TenantRow; user: UserRow }> {
  const refused = new Unauthenticated(SIGN_IN_REFUSED)
  const tenant = await auth.resolveTenant(request, input.customerCode).catch(() => undefined)
  const user = tenant && (await repo.findUserByUsername(tenant.id, input.username))
  const verified = await verifyPassword(user?.password_hash ?? (await dummy()), input.password)
  if (!tenant || !user || user.password_hash === null || !user.active) throw refused
  if (user.locked_until !== null && Date.parse(user.locked_until) > now) {
    await auth.recordRefusedWhileLocked(request, tenant.id, user, now, 'session')
    throw refused
  }
  if (!verified) {
    await auth.recordFailure(request, tenant.id, user, now, 'session')
    throw refused
  }
  if (user.failed_logins > 0 || user.locked_until !== null) await repo.clearLoginFailures(tenant.id, user.id)
  return { tenant, user }
}

/**
 * Failed sign-ins per source address: after `max` within a window of `windowMs`, that source is refused with a
 * 429 until the window ends, whichever accounts it tried. Counted in this instance's memory.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Throws TooManyRequests while `source` is over its limit. */
  check(source: string, now: number): void {
    const w = this.failures.get(source)
    if (w === undefined || w.resetAt <= now || w.count < this.max) return
    const seconds = Math.max(1, Math.ceil((w.resetAt - now) / 1000))
    const minutes = Math.ceil(seconds / 60)
    const err = new TooManyRequests(
      `Too many failed sign-ins from your address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    )
    err.headers['retry-after'] = String(seconds)
    throw err
  }

  failed(source: string, now: number): void {
    let w = this.failures.get(source)
    if (w === undefined || w.resetAt <= now) {
      if (this.failures.size >= SOURCES_MAX) this.sweep(now)
      w = { count: 0, resetAt: now + this.windowMs }
      this.failures.set(source, w)
    }
    w.count++
  }

  private sweep(now: number): void {
    for (const [source, w] of this.failures) if (w.resetAt <= now) this.failures.delete(source)
    if (this.failures.size >= SOURCES_MAX) this.failures.clear()
  }
}
