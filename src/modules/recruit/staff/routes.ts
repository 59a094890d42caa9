import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { ModulePlugin } from '../../index.js'
import { Page, PageQuerySchema, pageOfList } from '../../../http/pagination.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import {
  CohortInputSchema,
  CohortParamsSchema,
  CohortSchema,
  ProfileInputSchema,
  ProfileSchema,
  QuestionInputSchema,
  QuestionParamsSchema,
  QuestionSchema,
  SiteInputSchema,
  SiteParamsSchema,
  SiteSchema,
  SiteUpdateSchema,
  SlotInputSchema,
  SlotParamsSchema,
  SlotQuerySchema,
  SlotSchema,
} from './schemas.js'
import { QuestionsService } from './questions.js'
import { RecruitSetupService } from './service.js'
import { StudyParams } from '../../studies/schemas.js'
import { actorOf, requirePrincipal } from '../../../http/principal.js'

const READ = errorResponses([...AUTH_ERRORS, 404])
const WRITE = errorResponses([...AUTH_ERRORS, 400, 404, 409, 415, 422])
const view = { action: 'studies.view' } as const
const manage = { action: 'studies.manage' } as const
const tags = ['recruitment setup']
const NoContent = { 204: Type.Null({ description: 'Deleted' }) }

/** Native staff API: what a study offers for recruitment (sites, cohorts, profile, slots) and volunteer questions. */
const setupRoutes: ModulePlugin = async (plugin, { ctx }) => {
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>()
  const setup = RecruitSetupService.of(ctx)
  const questions = QuestionsService.of(ctx)
  const base = '/api/v1/studies/:studyId'

  app.get(
    `${base}/sites`,
    {
      config: view,
      schema: {
        tags,
        operationId: 'listStudySites',
        summary: "A study's sites",
        params: StudyParams,
        querystring: PageQuerySchema,
        response: { 200: Page(SiteSchema), ...READ },
      },
    },
    async (req) =>
      pageOfList(await setup.listSites(requirePrincipal(req).tenantId, req.params.studyId), req.query),
  )
  app.post(
    `${base}/sites`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'createStudySite',
        summary: 'Add a site to a study',
        params: StudyParams,
        body: SiteInputSchema,
        response: { 201: SiteSchema, ...WRITE },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await setup.createSite(requirePrincipal(req).tenantId, req.params.studyId, req.body, actorOf(req)),
        ),
  )
  app.put(
    `${base}/sites/:siteId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'updateStudySite',
        summary: "Rename a study's site or change its locationOid",
        params: SiteParamsSchema,
        body: SiteUpdateSchema,
        response: { 200: SiteSchema, ...WRITE },
      },
    },
    async (req) =>
      setup.updateSite(
        requirePrincipal(req).tenantId,
        req.params.studyId,
        req.params.siteId,
        req.body,
        actorOf(req),
      ),
  )
  app.delete(
    `${base}/sites/:siteId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'deleteStudySite',
        summary: 'Remove a site without slots from a study',
        params: SiteParamsSchema,
        response: { ...NoContent, ...WRITE },
      },
    },
    async (req, reply) => {
      await setup.deleteSite(
        requirePrincipal(req).tenantId,
        req.params.studyId,
        req.params.siteId,
        actorOf(req),
      )
      return reply.code(204).send(null)
    },
  )

  app.get(
    `${base}/cohorts`,
    {
      config: view,
      schema: {
        tags,
        operationId: 'listCohorts',
        summary: "A study's cohorts",
        params: StudyParams,
        querystring: PageQuerySchema,
        response: { 200: Page(CohortSchema), ...READ },
      },
    },
    async (req) =>
      pageOfList(await setup.listCohorts(requirePrincipal(req).tenantId, req.params.studyId), req.query),
  )
  app.post(
    `${base}/cohorts`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'createCohort',
        summary: 'Add a cohort to a study',
        params: StudyParams,
        body: CohortInputSchema,
        response: { 201: CohortSchema, ...WRITE },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await setup.createCohort(
            requirePrincipal(req).tenantId,
            req.params.studyId,
            req.body,
            actorOf(req),
          ),
        ),
  )
  app.put(
    `${base}/cohorts/:cohortId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'updateCohort',
        summary: 'Rename or describe a cohort',
        params: CohortParamsSchema,
        body: CohortInputSchema,
        response: { 200: CohortSchema, ...WRITE },
      },
    },
    async (req) =>
      setup.updateCohort(
        requirePrincipal(req).tenantId,
        req.params.studyId,
        req.params.cohortId,
        req.body,
        actorOf(req),
      ),
  )
  app.delete(
    `${base}/cohorts/:cohortId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'deleteCohort',
        summary: 'Delete a cohort nobody has expressed interest in',
        params: CohortParamsSchema,
        response: { ...NoContent, ...WRITE },
      },
    },
    async (req, reply) => {
      await setup.deleteCohort(
        requirePrincipal(req).tenantId,
        req.params.studyId,
        req.params.cohortId,
        actorOf(req),
      )
      return reply.code(204).send(null)
    },
  )

  app.get(
    `${base}/recruitment`,
    {
      config: view,
      schema: {
        tags,
        operationId: 'getRecruitmentProfile',
        summary: "A study's recruiting status, public text, eligibility criteria and compensation",
        params: StudyParams,
        response: { 200: ProfileSchema, ...READ },
      },
    },
    async (req) => setup.getProfile(requirePrincipal(req).tenantId, req.params.studyId),
  )
  app.put(
    `${base}/recruitment`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'putRecruitmentProfile',
        summary: "Replace a study's recruitment profile",
        params: StudyParams,
        body: ProfileInputSchema,
        response: { 200: ProfileSchema, ...WRITE },
      },
    },
    async (req) =>
      setup.putProfile(requirePrincipal(req).tenantId, req.params.studyId, req.body, actorOf(req)),
  )

  app.get(
    `${base}/sites/:siteId/slots`,
    {
      config: view,
      schema: {
        tags,
        operationId: 'listSlots',
        summary: 'Screening appointment slots of a study site, past ones included, or those starting from/to',
        params: SiteParamsSchema,
        querystring: SlotQuerySchema,
        response: { 200: Page(SlotSchema), ...errorResponses([...AUTH_ERRORS, 404, 422]) },
      },
    },
    async (req) => {
      const { from, to } = req.query
      const p = req.params
      return pageOfList(
        await setup.listSlots(requirePrincipal(req).tenantId, p.studyId, p.siteId, { from, to }),
        req.query,
      )
    },
  )
  app.post(
    `${base}/sites/:siteId/slots`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'createSlot',
        summary: 'Open a screening appointment slot (start, end, capacity) at a study site',
        params: SiteParamsSchema,
        body: SlotInputSchema,
        response: { 201: SlotSchema, ...WRITE },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await setup.createSlot(
            requirePrincipal(req).tenantId,
            req.params.studyId,
            req.params.siteId,
            req.body,
            actorOf(req),
          ),
        ),
  )
  app.delete(
    `${base}/sites/:siteId/slots/:slotId`,
    {
      config: manage,
      schema: {
        tags,
        operationId: 'deleteSlot',
        summary: 'Delete a slot nobody has booked',
        params: SlotParamsSchema,
        response: { ...NoContent, ...WRITE },
      },
    },
    async (req, reply) => {
      const p = req.params
      await setup.deleteSlot(requirePrincipal(req).tenantId, p.studyId, p.siteId, p.slotId, actorOf(req))
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/volunteer-questions',
    {
      config: view,
      schema: {
        tags,
        operationId: 'listVolunteerQuestions',
        summary: "The tenant's volunteer questions",
        querystring: PageQuerySchema,
        response: { 200: Page(QuestionSchema), ...READ },
      },
    },
    async (req) => pageOfList(await questions.listQuestions(requirePrincipal(req).tenantId), req.query),
  )
  app.post(
    '/api/v1/volunteer-questions',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'createVolunteerQuestion',
        summary: 'Add a volunteer question (the website must send its text exactly)',
        body: QuestionInputSchema,
        response: { 201: QuestionSchema, ...WRITE },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await questions.createQuestion(requirePrincipal(req).tenantId, req.body, actorOf(req))),
  )
  app.put(
    '/api/v1/volunteer-questions/:questionId',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'updateVolunteerQuestion',
        summary: 'Change a volunteer question',
        params: QuestionParamsSchema,
        body: QuestionInputSchema,
        response: { 200: QuestionSchema, ...WRITE },
      },
    },
    async (req) =>
      questions.updateQuestion(requirePrincipal(req).tenantId, req.params.questionId, req.body, actorOf(req)),
  )
  app.delete(
    '/api/v1/volunteer-questions/:questionId',
    {
      config: manage,
      schema: {
        tags,
        operationId: 'deleteVolunteerQuestion',
        summary: 'Delete a question nobody has answered and no study requires',
        params: QuestionParamsSchema,
        response: { ...NoContent, ...WRITE },
      },
    },
    async (req, reply) => {
      await questions.deleteQuestion(requirePrincipal(req).tenantId, req.params.questionId, actorOf(req))
      return reply.code(204).send(null)
    },
  )
}

export default setupRoutes
