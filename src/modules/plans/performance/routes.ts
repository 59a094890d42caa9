import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppContext } from '../../../context.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import { NotFound, ValidationFailed } from '../../../errors.js'
import { PlansRepository } from '../repository.js'
import { isIsoDate } from '../../track/values.js'
import { computePerformance } from './compute.js'
import { PerformanceSchema, type Performance } from './schemas.js'
import { PlanIdParams } from '../schemas.js'
import { requirePrincipal } from '../../../http/principal.js'

/** Loads a plan's figures and computes its earned value at a status date. */
export async function planPerformance(
  repo: PlansRepository,
  tenantId: number,
  planId: number,
  statusDate: string,
): Promise<Performance> {
  const [providers, locations, tasks, units, fees, costValues] = await Promise.all([
    repo.providers(tenantId, planId),
    repo.locations(tenantId, planId),
    repo.majorTasks(tenantId, planId),
    repo.monthlyValues(repo.db, tenantId, planId, 'units'),
    repo.monthlyValues(repo.db, tenantId, planId, 'fees'),
    repo.monthlyValues(repo.db, tenantId, planId, 'costs'),
  ])
  return computePerformance({ providers, locations, tasks, units, fees, costValues }, statusDate)
}

export function performanceRoute(plugin: FastifyInstance, ctx: AppContext): void {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const repo = new PlansRepository(ctx.db)
  app.get(
    '/api/v1/plans/:planId/performance',
    {
      config: { action: 'track.view' },
      schema: {
        summary:
          'Earned value of a plan at a status date: plan, per service provider, per location, and series',
        tags: ['plans'],
        operationId: 'getPlanPerformance',
        params: PlanIdParams,
        querystring: Type.Object({
          statusDate: Type.Optional(Type.String({ description: 'YYYY-MM-DD; default today (UTC)' })),
        }),
        response: { 200: PerformanceSchema, ...errorResponses([...AUTH_ERRORS, 404, 422]) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request)
      const statusDate = request.query.statusDate ?? new Date().toISOString().slice(0, 10)
      if (!isIsoDate(statusDate)) {
        throw ValidationFailed.one('/querystring/statusDate', 'must be a real date, YYYY-MM-DD', 'date')
      }
      const plan = await repo.findPlan(p.tenantId, request.params.planId)
      if (!plan) throw new NotFound(`There is no plan ${request.params.planId}`)
      return planPerformance(repo, p.tenantId, plan.id, statusDate)
    },
  )
}
