import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../index.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { AuditPageSchema, AuditQuerySchema, AuditVerificationSchema } from './schemas.js'
import { listAuditRecords, verifyTenantAuditChain } from './service.js'
import { requirePrincipal } from '../../http/principal.js'

/** `GET /api/v1/audit`: the tenant's tamper-evident audit trail. */
const auditRoutes: ModulePlugin = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/api/v1/audit',
    {
      config: { action: 'audit.view' },
      schema: {
        summary: "Your tenant's audit trail, newest first",
        description:
          'Every write of every module, with actor, before/after, request id and the hash chaining it to the ' +
          'record before (`trialdeck audit verify` checks the chain).',
        tags: ['audit'],
        operationId: 'listAudit',
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request)
      return listAuditRecords(ctx.db, p.tenantId, request.query)
    },
  )
  app.get(
    '/api/v1/audit/verification',
    {
      config: { action: 'audit.view' },
      schema: {
        summary: "Verify your tenant's audit chain, as `trialdeck audit verify` does for every tenant",
        description: 'Reads the whole chain: its cost grows with the number of records.',
        tags: ['audit'],
        operationId: 'verifyAudit',
        response: { 200: AuditVerificationSchema, ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request)
      return verifyTenantAuditChain(ctx.db, p.tenantId)
    },
  )
}

export default auditRoutes
