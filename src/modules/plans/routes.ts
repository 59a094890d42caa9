import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../index.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { actorOf } from '../audit/service.js'
import {
  PlanDocumentSchema,
  PlanIdParams,
  PlanListQuery,
  PlanListSchema,
  PlanSummarySchema,
} from './schemas.js'
import { planSummary, PlansService } from './service.js'
import { performanceRoute } from './performance/routes.js'

/** Native plans API: a whole plan from one document, list/get, replace (not a baseline), set the baseline. */
const plans: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const service = PlansService.of(ctx)
  const tenantOf = (p: { tenantId: number } | null): number => {
    if (!p) throw new Error('no principal on an authenticated route')
    return p.tenantId
  }

  app.post(
    '/api/v1/plans',
    {
      config: { action: 'plans.manage' },
      schema: {
        summary: 'Create a plan of a study, with its locations, series, providers, tasks, fees and costs',
        tags: ['plans'],
        operationId: 'createPlan',
        body: PlanDocumentSchema,
        response: { 201: PlanSummarySchema, ...errorResponses([...AUTH_ERRORS, 404, 415, 422]) },
      },
    },
    async (request, reply) => {
      const row = await service.create(actorOf(request), request.body)
      return reply.code(201).header('location', `/api/v1/plans/${row.id}`).send(planSummary(row))
    },
  )

  app.get(
    '/api/v1/plans',
    {
      config: { action: 'studies.view' },
      schema: {
        summary: 'List plans (optionally of one study)',
        tags: ['plans'],
        operationId: 'listPlans',
        querystring: PlanListQuery,
        response: { 200: PlanListSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => service.list(tenantOf(request.principal), request.query),
  )

  app.get(
    '/api/v1/plans/:planId',
    {
      config: { action: 'studies.view' },
      schema: {
        summary: 'Get a plan',
        tags: ['plans'],
        operationId: 'getPlan',
        params: PlanIdParams,
        response: { 200: PlanSummarySchema, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request) => planSummary(await service.get(tenantOf(request.principal), request.params.planId)),
  )

  app.put(
    '/api/v1/plans/:planId',
    {
      config: { action: 'plans.manage' },
      schema: {
        summary: 'Replace a plan with a new document (409 for a baseline plan: its planned values are fixed)',
        tags: ['plans'],
        operationId: 'replacePlan',
        params: PlanIdParams,
        body: PlanDocumentSchema,
        response: { 200: PlanSummarySchema, ...errorResponses([...AUTH_ERRORS, 404, 409, 415, 422]) },
      },
    },
    async (request) =>
      planSummary(await service.replace(actorOf(request), request.params.planId, request.body)),
  )

  app.post(
    '/api/v1/plans/:planId/baseline',
    {
      config: { action: 'plans.manage' },
      schema: {
        summary:
          "Make this plan its study's baseline (the one the Track API tracks); the previous one stops being it",
        tags: ['plans'],
        operationId: 'setBaselinePlan',
        params: PlanIdParams,
        response: { 200: PlanSummarySchema, ...errorResponses([...AUTH_ERRORS, 404, 409]) },
      },
    },
    async (request) => planSummary(await service.setBaseline(actorOf(request), request.params.planId)),
  )

  performanceRoute(app, ctx)
}

export default plans
