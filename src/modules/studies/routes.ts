import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../index.js'
import { PageQuerySchema } from '../../http/pagination.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { NewStudySchema, StudyParams, StudyListSchema, StudyPatchSchema, StudySchema } from './schemas.js'
import { etagOf, StudiesService, studyOf } from './service.js'
import { actorOf, requirePrincipal } from '../../http/principal.js'

/** Native studies API: list, create, read and edit studies (protocols). */
const studies: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const service = StudiesService.of(ctx)
  app.get(
    '/api/v1/studies',
    {
      config: { action: 'studies.view' },
      schema: {
        summary: 'List studies',
        tags: ['studies'],
        operationId: 'listStudies',
        querystring: PageQuerySchema,
        response: { 200: StudyListSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => service.list(requirePrincipal(request).tenantId, request.query),
  )

  app.post(
    '/api/v1/studies',
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Create a study',
        tags: ['studies'],
        operationId: 'createStudy',
        body: NewStudySchema,
        response: { 201: StudySchema, ...errorResponses([...AUTH_ERRORS, 409, 415, 422]) },
      },
    },
    async (request, reply) => {
      const row = await service.create(actorOf(request), request.body)
      return reply
        .code(201)
        .header('location', `/api/v1/studies/${row.id}`)
        .header('etag', etagOf(row))
        .send(studyOf(row))
    },
  )

  app.get(
    '/api/v1/studies/:studyId',
    {
      config: { action: 'studies.view' },
      schema: {
        summary: 'Get a study',
        tags: ['studies'],
        operationId: 'getStudy',
        params: StudyParams,
        response: { 200: StudySchema, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request, reply) => {
      const row = await service.get(requirePrincipal(request).tenantId, request.params.studyId)
      return reply.header('etag', etagOf(row)).send(studyOf(row))
    },
  )

  app.patch(
    '/api/v1/studies/:studyId',
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Change some fields of a study (send If-Match with its ETag to avoid overwriting a change)',
        tags: ['studies'],
        operationId: 'updateStudy',
        params: StudyParams,
        body: StudyPatchSchema,
        response: { 200: StudySchema, ...errorResponses([...AUTH_ERRORS, 404, 409, 415, 422]) },
      },
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match']
      const row = await service.update(actorOf(request), request.params.studyId, request.body, ifMatch)
      return reply.header('etag', etagOf(row)).send(studyOf(row))
    },
  )
}

export default studies
