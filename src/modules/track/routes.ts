import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../index.js'
import { errorResponses, TrackErrorSchema } from '../../http/schemas.js'
import { TRACK_XML_ARRAYS } from './model.js'
import { TRACK_RESOURCES } from '../plans/repository.js'
import { actualsSchema, PlanIdParams } from './schemas.js'
import { TrackService } from './service.js'
import { actorOf, requirePrincipal } from '../../http/principal.js'
import { readingOf } from '../identity/auth/credentials-watch.js'

const TRACK_ERRORS = errorResponses([400, 401, 403, 404, 406, 409, 415, 429], TrackErrorSchema)

const DESCRIPTIONS: Record<(typeof TRACK_RESOURCES)[number], string> = {
  sites: 'sites completed in each location per week',
  subjects: 'subjects enrolled in each location per week',
  crfs: 'CRF pages completed in each location per week',
  units: 'units of each major task per service provider, location and month',
  fees: 'fees paid to each service provider per major task, location and month',
  costs: 'costs of each service provider per location and month, with earned value',
}

/** The Track API: `/cleartrial-ws/actuals/{baselinePlanId}/{resource}`, GET and POST, JSON and XML. */
const track: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const service = TrackService.of(ctx)
  const contentType = (format: string) =>
    format === 'xml' ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8'

  for (const resource of TRACK_RESOURCES) {
    const url = `/cleartrial-ws/actuals/:baselinePlanId/${resource}`
    const config = {
      produces: ['json', 'xml'],
      consumes: ['json', 'xml'],
      xml: { arrays: TRACK_XML_ARRAYS },
    } as const
    app.get(
      url,
      {
        config: { ...config, action: 'track.view' },
        schema: {
          summary: `Track: ${DESCRIPTIONS[resource]}`,
          description: 'GET the current actuals and their lockToken; change actuals; POST the document back.',
          tags: ['track'],
          operationId: `getActual${resource[0]?.toUpperCase() ?? ''}${resource.slice(1)}`,
          params: PlanIdParams,
          response: { 200: actualsSchema(resource, 'response'), ...TRACK_ERRORS },
        },
      },
      async (request, reply) => {
        const p = requirePrincipal(request)
        const format = request.format === 'xml' ? 'xml' : 'json'
        const { data } = readingOf(request, ctx.credentials)
        const rendered = await service.get(p.tenantId, request.params.baselinePlanId, resource, format, data)
        return reply.type(contentType(format)).send(rendered.bytes)
      },
    )
    app.post(
      url,
      {
        config: { ...config, action: 'track.edit' },
        schema: {
          summary: `Track: update ${DESCRIPTIONS[resource]}`,
          description:
            'POST the representation of your GET with changed actualValues and its lockToken. Periods left out stay as they are; `"actualValue": null` clears one; read-only fields are ignored. Answers the updated representation with a new lockToken. A missing or stale lockToken → 409; invalid values → 400 listing every problem, and nothing is written.',
          tags: ['track'],
          operationId: `postActual${resource[0]?.toUpperCase() ?? ''}${resource.slice(1)}`,
          params: PlanIdParams,
          body: actualsSchema(resource, 'request'),
          response: { 200: actualsSchema(resource, 'response'), ...TRACK_ERRORS },
        },
      },
      async (request, reply) => {
        const format = request.format === 'xml' ? 'xml' : 'json'
        const rendered = await service.post(
          actorOf(request),
          request.params.baselinePlanId,
          resource,
          request.body,
          format,
        )
        return reply.type(contentType(format)).send(rendered.bytes)
      },
    )
  }
}

export default track
