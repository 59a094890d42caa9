import type { FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { Forbidden, NotFound } from '../../errors.js'
import { type Actor } from '../audit/service.js'
import type { RoleAction } from './actions.js'
import { IdentityRepository, type UserRow } from './repository.js'
import { actorOf } from '../../http/principal.js'

/** Who is asking, and what they hold: nobody hands out a role action they do not hold themselves. */
export interface Caller {
  actor: Actor
  actions: ReadonlySet<RoleAction>
}

/** The caller of an authenticated request. */
export function callerOf(request: FastifyRequest): Caller {
  return { actor: actorOf(request), actions: request.principal?.actions ?? new Set() }
}

/** Refuses (403) when `actions` include any the caller lacks, naming them. */
export function mustHold(caller: Caller, actions: readonly string[], what: string): void {
  const missing = [...new Set(actions)].filter((a) => !caller.actions.has(a as RoleAction)).sort()
  if (missing.length > 0) {
    throw new Forbidden(
      `You cannot ${what}: it carries role actions you do not hold (${missing.join(', ')})`,
      missing[0],
    )
  }
}

/**
 * The grant rule for writes to another account — anything that can widen or narrow what it may do or see (its
 * password, flags, roles, tokens, site or study restrictions): only a caller who holds every role action the
 * account holds may make them (their own account excepted). Returns the account; 404 when the tenant has no such
 * user, as for any id that does not exist. `what` completes "You cannot …".
 */
export async function mustOutrank(
  db: Kysely<DB>,
  caller: Caller,
  userId: number,
  what: (user: UserRow) => string,
): Promise<UserRow> {
  const repo = new IdentityRepository(db)
  const tenantId = caller.actor.tenantId
  const user = await repo.findUserById(tenantId, userId)
  if (!user) throw new NotFound(`No user ${userId} in this tenant`)
  if (caller.actor.userId !== user.id)
    mustHold(caller, await repo.actionsOfUser(tenantId, user.id), what(user))
  return user
}
