import { Type } from 'typebox'
import type { FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../../index.js'
import { NotFound, ValidationFailed } from '../../../errors.js'
import { toDomainError } from '../../../http/errors.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import { QuestionSchema } from '../staff/schemas.js'
import { QuestionsService } from '../staff/questions.js'
import { RecruitService } from './service.js'
import { bodyChecks } from '../../../http/validation.js'
import { STUDY_NAME_MATCH } from '../../studies/names.js'
import {
  ActiveSitesQuerySchema,
  ActiveStudySiteSchema,
  AppointmentSchema,
  AssignSchema,
  CancelSchema,
  InterestInputSchema,
  InterestSchema,
  MatchInputSchema,
  MatchResultSchema,
  OpenSlotSchema,
  UnassignedQuerySchema,
  UpdateQuerySchema,
  VolunteerIdSchema,
  type VolunteerInput,
  type VolunteerRequestInput,
  VolunteerRequestResultSchema,
  VolunteerRequestSchema,
  VolunteerSchema,
  VolunteerUpdateSchema,
} from './schemas.js'
import { VolunteerService } from '../volunteers/service.js'
import { actorOf, requirePrincipal } from '../../../http/principal.js'

const READ_ERRORS = errorResponses([...AUTH_ERRORS, 404, 422])
const WRITE_ERRORS = errorResponses([...AUTH_ERRORS, 400, 404, 409, 415, 422])
const tags = ['recruit']
const QuestionsQuerySchema = Type.Object({
  studyName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: STUDY_NAME_MATCH })),
  siteId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
})
const config = { action: 'recruit.use' } as const

/** Request lines are logged without their query string: reasonForChange and filters may hold personal data. */
const logSerializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], reqId: req.id }),
}

/**
 * The Partner-compatible Recruit API a clinic's website calls (`/api/v1/recruit/*`, `/api/v1/saveVolunteerRequest`).
 * Every path needs `recruit.use` (and `api`); when the tenant has Recruit disabled, every path answers 404.
 */
const partnerRoutes: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const volunteers = VolunteerService.of(ctx)
  const recruit = RecruitService.of(ctx)
  const questions = QuestionsService.of(ctx)

  // Every partner operation asks the service first, before its body is parsed or validated: a tenant without
  // Recruit gets 404 whatever its website sends.
  app.addHook('onRequest', async (request) => {
    const resource = `${request.method} ${request.url.split('?')[0]}`
    await recruit.requireEnabled(requirePrincipal(request).tenantId, resource)
  })

  app.post(
    '/api/v1/recruit/saveVolunteer',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'saveVolunteer',
        summary:
          'Register a volunteer (refused as a duplicate when the email, or name and birth date, exist)',
        body: VolunteerSchema,
        response: { 200: VolunteerIdSchema, ...WRITE_ERRORS },
      },
      // Schema errors and the domain's (unknown question, duplicate, …) in one 422: see bodyChecks.
      attachValidation: true,
    },
    async (request) => {
      const { body, errors } = bodyChecks<VolunteerInput>(request)
      return {
        volunteerId: await volunteers.save(
          requirePrincipal(request).tenantId,
          body,
          actorOf(request),
          errors,
        ),
      }
    },
  )

  app.post(
    '/api/v1/recruit/updateVolunteer',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'updateVolunteer',
        summary:
          "Change a volunteer's details; reasonForChange goes to the audit trail with before and after",
        querystring: UpdateQuerySchema,
        body: VolunteerUpdateSchema,
        response: { 200: VolunteerIdSchema, ...WRITE_ERRORS },
      },
      // Fastify stops at the first invalid part (the body comes before the query string): keep going, so one
      // 422 lists the body's errors and a missing reasonForChange together.
      attachValidation: true,
    },
    async (request) => {
      const invalid = request.validationError
      if (invalid) {
        const error = toDomainError(invalid)
        if (!(error instanceof ValidationFailed)) throw invalid
        // Fastify stopped at the body; the query string is checked against its own schema too.
        const query = invalid.validationContext === 'body' && request.getValidationFunction('querystring')
        if (query && !query(request.query)) {
          const queryError = toDomainError({
            validation: query.errors ?? [],
            validationContext: 'querystring',
          })
          if (queryError instanceof ValidationFailed) error.errors.push(...queryError.errors)
        }
        throw new ValidationFailed(error.errors, error.omitted)
      }
      return {
        volunteerId: await volunteers.update(
          requirePrincipal(request).tenantId,
          request.body,
          request.query.reasonForChange,
          actorOf(request),
        ),
      }
    },
  )

  app.get(
    '/api/v1/recruit/findActiveStudySites',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'findActiveStudySites',
        summary:
          'Sites of recruiting studies; studyName (name or protocol) and siteName ignore the case of A–Z, locationOid is exact',
        querystring: ActiveSitesQuerySchema,
        response: { 200: Type.Array(ActiveStudySiteSchema), ...READ_ERRORS },
      },
    },
    async (request) => recruit.findActiveStudySites(requirePrincipal(request).tenantId, request.query),
  )

  app.get(
    '/api/v1/recruit/volunteerQuestions',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'findVolunteerQuestions',
        summary:
          'The questions saveVolunteer expects answered, word for word: for a recruiting study (studyName: name or protocol) and/or site, the questions for everyone plus those of its sites',
        querystring: QuestionsQuerySchema,
        response: { 200: Type.Array(QuestionSchema), ...READ_ERRORS },
      },
    },
    async (request) => {
      const tenantId = requirePrincipal(request).tenantId
      const { studyName, siteId } = request.query
      const all = await questions.listQuestions(tenantId)
      if (studyName === undefined && siteId === undefined) return all
      const sites = await recruit.findActiveStudySites(tenantId, { studyName, siteId })
      if (sites.length === 0) {
        throw new NotFound(
          `No recruiting study${studyName === undefined ? '' : ` named ${studyName}`}${siteId === undefined ? '' : ` at site ${siteId}`}`,
        )
      }
      const siteIds = new Set(sites.map((s) => s.siteId))
      return all.filter((q) => q.siteId === null || siteIds.has(q.siteId))
    },
  )

  app.get(
    '/api/v1/recruit/findUnassignedAppointments',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'findUnassignedAppointments',
        summary: 'Future screening appointments of recruiting studies with places left',
        querystring: UnassignedQuerySchema,
        response: { 200: Type.Array(OpenSlotSchema), ...READ_ERRORS },
      },
    },
    async (request) => recruit.findUnassignedAppointments(requirePrincipal(request).tenantId, request.query),
  )

  app.post(
    '/api/v1/recruit/assignAppointment',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'assignAppointment',
        summary: 'Book an eligible volunteer into a screening appointment (409 when full or already booked)',
        body: AssignSchema,
        response: { 200: AppointmentSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      recruit.assignAppointment(requirePrincipal(request).tenantId, request.body, actorOf(request)),
  )

  app.post(
    '/api/v1/recruit/cancelAppointment',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'cancelAppointment',
        summary: "Cancel a volunteer's appointment and free the place",
        body: CancelSchema,
        response: { 200: AppointmentSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      recruit.cancelAppointment(requirePrincipal(request).tenantId, request.body, actorOf(request)),
  )

  app.post(
    '/api/v1/recruit/expressInterest',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'expressInterest',
        summary: "Record a volunteer's interest in a recruiting study (and cohort)",
        body: InterestInputSchema,
        response: { 200: InterestSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      recruit.expressInterest(requirePrincipal(request).tenantId, request.body, actorOf(request)),
  )

  app.post(
    '/api/v1/recruit/findMatchingStudies',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'findMatchingStudies',
        summary:
          'Recruiting studies a volunteer (or the attributes sent) fits, and which criteria the others fail',
        body: MatchInputSchema,
        response: { 200: MatchResultSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => recruit.findMatchingStudies(requirePrincipal(request).tenantId, request.body),
  )

  app.post(
    '/api/v1/saveVolunteerRequest',
    {
      config,
      logSerializers,
      schema: {
        tags,
        operationId: 'saveVolunteerRequest',
        summary: 'Legacy: register a volunteer and their interest in a study in one call',
        body: VolunteerRequestSchema,
        response: { 200: VolunteerRequestResultSchema, ...WRITE_ERRORS },
      },
      attachValidation: true,
    },
    async (request) => {
      const { body, errors } = bodyChecks<VolunteerRequestInput>(request)
      return volunteers.saveRequest(requirePrincipal(request).tenantId, body, actorOf(request), errors)
    },
  )
}

export default partnerRoutes
