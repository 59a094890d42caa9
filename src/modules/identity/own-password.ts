import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { inTransaction } from '../../db/database.js'
import { ErrorList } from '../../errors.js'
import type { Principal } from '../../http/route-config.js'
import { actorOf, recordAudit } from '../audit/service.js'
import type { Authenticator } from './auth.js'
import { IdentityRepository } from './repository.js'
import { hashPassword, verifyPassword } from './secrets.js'
import { checkPassword } from './service.js'
import type { PasswordChangeBody } from './session-schemas.js'

/**
 * A user sets their own password, proving the current one (a wrong one counts as a failed login, towards the
 * lockout). Clears `mustChangePassword`; ends the user's other sessions; audited.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  auth: Authenticator,
  request: FastifyRequest,
  principal: Principal,
  body: PasswordChangeBody,
  now: number,
): Promise<void> {
  const repo = new IdentityRepository(ctx.db)
  const { tenantId, userId } = principal
  const user = await repo.findUserById(tenantId, userId)
  const errors = new ErrorList()
  const verified =
    user !== undefined &&
    user.password_hash !== null &&
    (await verifyPassword(user.password_hash, body.currentPassword))
  if (!verified) {
    if (user)
      await auth.recordFailure(
        request,
        tenantId,
        user,
        now,
        principal.via === 'session' ? 'session' : 'basic',
      )
    errors.add('/body/currentPassword', 'is not your current password', 'mismatch')
    errors.throwIfAny()
  }
  if (body.newPassword === body.currentPassword)
    errors.add('/body/newPassword', 'must differ from your current password', 'different')
  checkPassword(errors, '/body/newPassword', body.newPassword)
  errors.throwIfAny()
  const hash = await hashPassword(body.newPassword)
  try {
    await inTransaction(ctx.db, async (trx) => {
      const at = new Date(now).toISOString()
      await repo.setOwnPassword(trx, tenantId, userId, hash, at)
      const ended = await auth.sessions.repo.deleteOfUser(trx, tenantId, userId, principal.sessionId)
      await recordAudit(trx, actorOf(request), {
        action: 'user.password.change',
        entityType: 'user',
        entityId: userId,
        after: { passwordChanged: true, otherSessionsEnded: ended },
      })
    })
  } finally {
    ctx.credentials.changed()
  }
}
