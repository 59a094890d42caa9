import type { ModulePlugin } from '../index.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import type { Principal } from '../../http/route-config.js'
import { MeSchema, type Me } from './schemas.js'
import { requirePrincipal } from '../../http/principal.js'

/** A principal never changes once made (a change to its credentials makes a new one), nor does its answer here. */
const answers = new WeakMap<Principal, Me>()

function meOf(p: Principal): Me {
  let me = answers.get(p)
  if (me === undefined) {
    me = {
      tenant: { id: p.tenantId, code: p.tenantCode },
      user: { id: p.userId, username: p.username },
      actions: [...p.actions].sort(),
      authenticatedVia: p.via,
      ...(p.tokenId !== undefined ? { tokenId: p.tokenId } : {}),
      ...(p.mustChangePassword !== undefined ? { mustChangePassword: p.mustChangePassword } : {}),
    }
    answers.set(p, me)
  }
  return me
}

const identity: ModulePlugin = async (app) => {
  app.get(
    '/api/v1/me',
    {
      config: { action: 'authenticated', beforePasswordChange: true },
      schema: {
        summary: 'Who am I: tenant, user, role actions and how this request authenticated',
        tags: ['identity'],
        operationId: 'getMe',
        response: { 200: MeSchema, ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request): Promise<Me> => {
      const p = requirePrincipal(request)
      return meOf(p)
    },
  )
}

export default identity
