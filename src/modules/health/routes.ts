import { Type } from 'typebox'
import type { ModulePlugin } from '../index.js'
import { ping } from '../../db/database.js'
import { Unavailable } from '../../errors.js'
import { errorResponses } from '../../http/schemas.js'

const Status = Type.Object({ status: Type.String() })

const health: ModulePlugin = async (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      config: { action: 'public', surface: 'system' },
      compress: false, // a probe's answer is 15 bytes: no compression hooks on the path load balancers poll
      schema: {
        summary: 'The process is up',
        tags: ['operations'],
        operationId: 'healthz',
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' }),
  )
  app.get(
    '/readyz',
    {
      config: { action: 'public', surface: 'system' },
      compress: false,
      schema: {
        summary: 'The database answers',
        tags: ['operations'],
        operationId: 'readyz',
        response: { 200: Status, ...errorResponses([503]) },
      },
    },
    async () => {
      try {
        await ping(ctx.db)
      } catch (err) {
        app.log.warn({ err }, 'readiness check failed')
        throw new Unavailable('The database does not answer')
      }
      return { status: 'ready' }
    },
  )
}

export default health
