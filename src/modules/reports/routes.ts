import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ModulePlugin } from '../index.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { REPORT_FORMATS, type ReportFormat } from './catalogue.js'
import { registerJobRoutes } from './jobs/routes.js'
import { InvokeBodySchema, InvokeQuerySchema, type InvokeInput } from './params.js'
import { ReportJobRunner } from './jobs/runner.js'
import { limitOf, PageQuerySchema } from '../../http/pagination.js'
import { CatalogueSchema, ReportFileSchema, ReportStudyPageSchema } from './schemas.js'
import { reportStudies } from './studies.js'
import { ReportService } from './service.js'
import { actorOf, requirePrincipal } from '../../http/principal.js'

const tags = ['reports']

/** The Report API: the catalogue, invokeReport (streamed) and report jobs; starts and stops the job runner. */
const reports: ModulePlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const service = ReportService.of(ctx)
  const runner = new ReportJobRunner(ctx, service, app.log)
  app.addHook('onReady', async () => {
    runner.start()
  })
  app.addHook('onClose', async () => {
    await runner.stop()
    await service.close()
  })

  app.get(
    '/api/v1/reports',
    {
      config: { action: 'authenticated' },
      schema: {
        summary: 'The reports there are: parameters, formats and the role action each needs',
        tags,
        operationId: 'listReports',
        response: { 200: CatalogueSchema, ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request) => ({ reports: await service.catalogue(actorOf(request).tenantId) }),
  )

  app.get(
    '/api/v1/reports/studies',
    {
      config: { action: 'reports.run' },
      schema: {
        summary: 'The studies you may run reports on, with their timepoints',
        description:
          "The tenant's studies less those your account is restricted from (a report on one of those is a 403), " +
          'each with the timepoint names `timepoints` takes. Ordered by id.',
        tags,
        operationId: 'listReportStudies',
        querystring: PageQuerySchema,
        response: { 200: ReportStudyPageSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request)
      return reportStudies(ctx.db, p.tenantId, p.userId, request.query.cursor, limitOf(request.query))
    },
  )

  const invoke = async (request: FastifyRequest, reply: FastifyReply, input: InvokeInput) => {
    const actor = actorOf(request)
    const principal = requirePrincipal(request)
    const resolved = await service.resolve(actor, principal.actions, input, request.format as ReportFormat)
    const out = await service.open(resolved)
    out.finished
      .then((result) => service.audit(actor, resolved, result, 'invokeReport'))
      .catch((err: unknown) => {
        request.log.error({ err }, 'could not audit a report run')
      })
    reply.header('Content-Disposition', `attachment; filename="${out.filename}"`)
    reply.header('Cache-Control', 'no-store')
    return reply.type(out.mediaType).send(out.stream)
  }
  const invokeSchema = {
    tags,
    description:
      'Runs a report and streams the file as it is produced. `format` (or else the Accept header) picks CSV, JSON, ' +
      'XML, ODM 1.3.2, Excel, SAS V5 transport (`xpt`) or CDISC Dataset-JSON 1.1 (`dataset-json`, ' +
      '`dataset-ndjson`). A value XPT cannot hold (text over 200 bytes, non-ASCII) is a 422 before the first ' +
      'byte unless `truncate=true`. Narrowing to subjects or timepoints reads only those rows. A study the account ' +
      'is restricted from is refused (403). For long runs, submit a job instead.',
    response: {
      200: ReportFileSchema,
      ...errorResponses([...AUTH_ERRORS, 400, 415, 422]),
    },
  }
  const config = { action: 'authenticated' as const, produces: REPORT_FORMATS }
  app.get(
    '/api/v1/invokeReport',
    {
      config,
      schema: {
        ...invokeSchema,
        summary: 'Run a report (query parameters)',
        operationId: 'invokeReportGet',
        querystring: InvokeQuerySchema,
      },
    },
    async (request, reply) => invoke(request, reply, request.query),
  )
  app.post(
    '/api/v1/invokeReport',
    {
      config,
      schema: {
        ...invokeSchema,
        summary: 'Run a report (JSON body)',
        operationId: 'invokeReport',
        body: InvokeBodySchema,
      },
    },
    async (request, reply) => invoke(request, reply, request.body),
  )
  registerJobRoutes(app, ctx, service)
}

export default reports
