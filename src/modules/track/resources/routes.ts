import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from 'typebox'
import type { ModulePlugin } from '../../index.js'
import { Id, Nullable, TrackErrorSchema, errorResponses } from '../../../http/schemas.js'
import type { RoleAction } from '../../identity/actions.js'
import { toJsonText } from '../render.js'
import { xmlDocument, type Value } from '../../../http/xml.js'
import { TrackResources, type Listed } from './service.js'
import { StudyParams } from '../../studies/schemas.js'
import { requirePrincipal } from '../../../http/principal.js'

const ERRORS = errorResponses([401, 403, 404, 406, 429], TrackErrorSchema)

const StudyRep = Type.Object({
  id: Id(),
  name: Type.String(),
  protocol: Type.String(),
  phase: Nullable(Type.String()),
  sponsor: Nullable(Type.String()),
  compound: Nullable(Type.String()),
  status: Type.String(),
  actualsPlanId: Nullable(Id({ description: 'The baseline plan, tracked at actualsPlanUrl' })),
  actualsPlanUrl: Nullable(Type.String()),
  plansUrl: Type.String(),
  createdDate: Type.String({ description: 'dd-MMM-yyyy' }),
  lastModifiedDate: Type.String(),
  url: Type.String(),
})
const PlanRep = Type.Object({
  id: Id(),
  name: Type.String(),
  code: Nullable(Type.String()),
  description: Nullable(Type.String()),
  planState: Type.String({ description: 'Draft | Final' }),
  isBaseline: Type.Boolean(),
  startDate: Type.String({ description: 'dd-MMM-yyyy' }),
  currency: Type.String(),
  studyId: Id(),
  studyUrl: Type.String(),
  locationsUrl: Type.String(),
  serviceProviderUrl: Type.String(),
  costUrl: Type.String(),
  subjectEnrollmentScheduleUrl: Type.String(),
  actualsUrl: Nullable(Type.String()),
  createdDate: Type.String(),
  lastModifiedDate: Type.String(),
  url: Type.String(),
})
/** Typed as plain schemas: the routes send the bytes the render functions write (exact number types). */
const StudyList: TSchema = Type.Object({ List: Type.Array(StudyRep) })
const StudyOne: TSchema = Type.Object({ study: StudyRep })
const PlanList: TSchema = Type.Object({ List: Type.Array(PlanRep) })
const wrapped = (name: string, description: string) =>
  Type.Object({ [name]: Type.Object({}, { additionalProperties: true }) }, { description })

const ActualsIndex: TSchema = Type.Object({
  actuals: Type.Object({
    planId: Id(),
    planName: Type.String(),
    studyId: Id(),
    resource: Type.Array(Type.Object({ name: Type.String(), url: Type.String() }), {
      examples: [[{ name: 'sites', url: '/cleartrial-ws/actuals/10802/sites' }]],
    }),
    planUrl: Type.String(),
    url: Type.String(),
  }),
})

const PlanParams = Type.Object({ planId: Id() })

/** Track-compatible read resources: studies and plans with their locations, providers, costs and schedule. */
const trackResources: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const resources = TrackResources.of(ctx)
  const config = (action: RoleAction) => ({ action, produces: ['json', 'xml'] as const })
  const send = (format: string, value: Record<string, Value> | Listed) => {
    const listed = 'json' in value && 'xml' in value ? (value as Listed) : undefined
    const single = value as Record<string, Value>
    return format === 'xml'
      ? {
          type: 'application/xml; charset=utf-8',
          body: Buffer.from(xmlDocument(listed ? listed.xml : single)),
        }
      : {
          type: 'application/json; charset=utf-8',
          body: Buffer.from(toJsonText(listed ? listed.json : single)),
        }
  }

  app.get(
    '/cleartrial-ws/studies',
    {
      config: config('studies.view'),
      schema: {
        summary: 'Studies: {"List":[…]} in JSON, <studyRepresentations><study/>… in XML',
        tags: ['track'],
        operationId: 'trackListStudies',
        response: { 200: StudyList, ...ERRORS },
      },
    },
    async (request, reply) => {
      const out = send(request.format, await resources.listStudies(requirePrincipal(request).tenantId))
      return reply.type(out.type).send(out.body)
    },
  )

  app.get(
    '/cleartrial-ws/studies/:studyId',
    {
      config: config('studies.view'),
      schema: {
        summary: 'A study, with actualsPlanId/actualsPlanUrl pointing at its baseline plan',
        tags: ['track'],
        operationId: 'trackGetStudy',
        params: StudyParams,
        response: { 200: StudyOne, ...ERRORS },
      },
    },
    async (request, reply) => {
      const out = send(
        request.format,
        await resources.getStudy(requirePrincipal(request).tenantId, request.params.studyId),
      )
      return reply.type(out.type).send(out.body)
    },
  )

  app.get(
    '/cleartrial-ws/plans',
    {
      config: config('track.view'),
      schema: {
        summary: 'Plans: {"List":[…]} in JSON, <planRepresentations><plan/>… in XML',
        tags: ['track'],
        operationId: 'trackListPlans',
        querystring: Type.Object({ studyId: Type.Optional(Id()) }),
        response: { 200: PlanList, ...ERRORS },
      },
    },
    async (request, reply) => {
      const out = send(
        request.format,
        await resources.listPlans(requirePrincipal(request).tenantId, request.query.studyId),
      )
      return reply.type(out.type).send(out.body)
    },
  )

  const planRoutes: [
    string,
    string,
    string,
    TSchema,
    (tenantId: number, id: number) => Promise<Record<string, Value>>,
  ][] = [
    ['', 'A plan', 'trackGetPlan', Type.Object({ plan: PlanRep }), (t, id) => resources.getPlan(t, id)],
    [
      '/locations',
      'Locations of a plan (0 = All Locations)',
      'trackPlanLocations',
      wrapped('planLocations', 'planLocation[]'),
      (t, id) => resources.locations(t, id),
    ],
    [
      '/serviceProvider',
      'Service providers of a plan',
      'trackPlanProviders',
      wrapped('serviceProviders', 'serviceProvider[]'),
      (t, id) => resources.serviceProviders(t, id),
    ],
    [
      '/cost',
      'Costs of a plan with planned amounts per location',
      'trackPlanCosts',
      wrapped('costs', 'cost[]'),
      (t, id) => resources.costs(t, id),
    ],
    [
      '/subjectEnrollmentSchedule',
      'Planned weekly subject enrolment per location, with running totals',
      'trackPlanEnrollment',
      wrapped('subjectEnrollmentSchedule', 'location[] → periods[]'),
      (t, id) => resources.subjectEnrollmentSchedule(t, id),
    ],
  ]
  app.get(
    '/cleartrial-ws/actuals/:baselinePlanId',
    {
      config: config('track.view'),
      schema: {
        summary:
          "A baseline plan's actuals: where each resource (sites, subjects, crfs, units, fees, costs) is",
        tags: ['track'],
        operationId: 'trackGetActuals',
        params: Type.Object({ baselinePlanId: Id() }),
        response: { 200: ActualsIndex, ...ERRORS },
      },
    },
    async (request, reply) => {
      const value = await resources.actuals(requirePrincipal(request).tenantId, request.params.baselinePlanId)
      const out = send(request.format, value)
      return reply.type(out.type).send(out.body)
    },
  )

  for (const [suffix, summary, operationId, schema, load] of planRoutes) {
    app.get(
      `/cleartrial-ws/plans/:planId${suffix}`,
      {
        config: config('track.view'),
        schema: {
          summary,
          tags: ['track'],
          operationId,
          params: PlanParams,
          response: { 200: schema, ...ERRORS },
        },
      },
      async (request, reply) => {
        const value = await load(requirePrincipal(request).tenantId, request.params.planId)
        const out = send(request.format, value)
        return reply.type(out.type).send(out.body)
      },
    )
  }
}

export default trackResources
