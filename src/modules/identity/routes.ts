import type { ModulePlugin } from '../index.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { MeSchema, type Me } from './schemas.js'

const identity: ModulePlugin = async (app) => {
  app.get(
    '/api/v1/me',
    {
      config: { action: 'authenticated' },
      schema: {
        summary: 'Who am I: tenant, user, role actions and how this request authenticated',
        tags: ['identity'],
        operationId: 'getMe',
        response: { 200: MeSchema, ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request): Promise<Me> => {
      const p = request.principal
      if (!p) throw new Error('no principal on an authenticated route')
      return {
        tenant: { id: p.tenantId, code: p.tenantCode },
        user: { id: p.userId, username: p.username },
        actions: [...p.actions].sort(),
        authenticatedVia: p.via,
        ...(p.tokenId !== undefined ? { tokenId: p.tokenId } : {}),
      }
    },
  )
}

export default identity
