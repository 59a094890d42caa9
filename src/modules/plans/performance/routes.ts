import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { AppContext } from '../../../context.js'
import { Amount, AUTH_ERRORS, errorResponses, Id, IdOrZero, Nullable } from '../../../http/schemas.js'
import { NotFound, ValidationFailed } from '../../../errors.js'
import { PlansRepository } from '../repository.js'
import { isIsoDate } from '../../track/values.js'
import { computePerformance, type Performance } from './compute.js'
import { PlanIdParams } from '../schemas.js'
import { requirePrincipal } from '../../../http/principal.js'

const Money = (description: string) => Amount({ description })
const Index = (description: string) => Nullable(Amount(), { description })

const FiguresProperties = {
  bac: Money('Budget at completion: task budgets + planned costs'),
  pv: Money('Planned value to the status date'),
  ev: Money('Earned value to the status date'),
  ac: Money('Actual cost to the status date: fees paid + actual costs'),
  sv: Money('Schedule variance EV − PV'),
  cv: Money('Cost variance EV − AC'),
  spi: Index('EV / PV; null when PV is 0'),
  cpi: Index('EV / AC; null when AC is 0'),
  eac: Money('Estimate at completion: BAC / CPI, or AC + (BAC − EV) when CPI is null or 0'),
  etc: Money('Estimate to complete: EAC − AC'),
  vac: Money('Variance at completion: BAC − EAC'),
  tcpi: Index('To-complete performance index (BAC − EV) / (BAC − AC); null when BAC = AC'),
  percentComplete: Index('EV / BAC (0–1); null when BAC is 0'),
}

const PerformanceSchema = Type.Object({
  statusDate: Type.String({ description: 'YYYY-MM-DD' }),
  plan: Type.Object(FiguresProperties),
  serviceProviders: Type.Array(Type.Object({ id: Id(), name: Type.String(), ...FiguresProperties })),
  locations: Type.Array(
    Type.Object({ locationId: IdOrZero(), locationName: Type.String(), ...FiguresProperties }),
  ),
  series: Type.Array(
    Type.Object({
      startDate: Type.String(),
      endDate: Type.String(),
      pv: Money('Cumulative PV through this period'),
      ev: Nullable(Amount(), {
        description: 'Cumulative EV; null after the status date',
      }),
      ac: Nullable(Amount(), {
        description: 'Cumulative AC; null after the status date',
      }),
    }),
  ),
})

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
