import type { FastifyRequest } from 'fastify'
import type { AppContext } from '../../../context.js'
import { inTransaction } from '../../../db/database.js'
import { ErrorList, Unauthenticated } from '../../../errors.js'
import type { Principal } from '../../../http/route-config.js'
import { actorOf, recordAudit } from '../../audit/service.js'
import type { Authenticator } from '../auth/authenticate.js'
import { IdentityRepository } from '../repository.js'
import { hashPassword } from '../secrets.js'
import { checkPassword } from '../service.js'
import type { PasswordChangeBody } from './schemas.js'

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
  // Proving the current password is a password login like any other: a wrong one counts towards the lockout.
  const tenant = await repo.findTenantById(tenantId)
  const proved =
    user !== undefined &&
    tenant !== undefined &&
    (await auth.passwords
      .login({
        username: user.username,
        password: body.currentPassword,
        customerCode: tenant.code,
        hostname: request.hostname,
        source: request.ip,
        via: 'session',
        requestId: request.id,
        now,
      })
      .then(
        () => true,
        (err: unknown) => {
          if (err instanceof Unauthenticated) return false
          throw err
        },
      ))
  if (!proved) {
    errors.add('/body/currentPassword', 'is not your current password', 'mismatch')
    errors.throwIfAny()
  }
  if (body.newPassword === body.currentPassword)
    errors.add('/body/newPassword', 'must differ from your current password', 'different')
  checkPassword(errors, '/body/newPassword', body.newPassword, ctx.config.passwordMinLength)
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
