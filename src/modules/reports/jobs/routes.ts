import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../../context.js'
import { nowIso } from '../../../db/columns.js'
import { Conflict, Gone, NotFound } from '../../../errors.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import { actorOf } from '../../audit/service.js'
import { REPORT_FORMATS, type ReportFormat } from '../catalogue.js'
import { JobRepository, type JobRow } from './repository.js'
import { InvokeBodySchema } from '../params.js'
import { JobParams, JobSchema, ReportFileSchema, type Job } from '../schemas.js'
import type { ReportService } from '../service.js'

const tags = ['reports']
const jobUrl = (id: number) => `/api/v1/reports/jobs/${id}`

export function jobOf(row: JobRow): Job {
  return {
    id: row.id,
    status: row.status as Job['status'],
    reportName: row.report_name,
    format: row.format as ReportFormat,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    rows: row.rows,
    attempts: row.attempts,
    errors: row.error === null ? [] : [row.error],
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
    sizeBytes: row.size_bytes,
    resultUrl: row.status === 'succeeded' ? `${jobUrl(row.id)}/result` : null,
  }
}

/** Report jobs: submit (202 + Location), poll, download. A job is visible to the user who submitted it. */
export function registerJobRoutes(fastify: FastifyInstance, ctx: AppContext, service: ReportService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const jobs = new JobRepository(ctx.database)
  const mine = async (tenantId: number, userId: number, id: number): Promise<JobRow> => {
    const job = await jobs.find(tenantId, id)
    if (!job || job.user_id !== userId) throw new NotFound(`No report job ${id}`)
    return job
  }

  app.post(
    '/api/v1/reports/jobs',
    {
      config: { action: 'authenticated' },
      schema: {
        summary: 'Submit a report to run in the background',
        description:
          'Takes the parameters of invokeReport; checks them now (422 naming the parameter) and answers 202 with ' +
          'the job and its Location. Poll the job; download its result once it has succeeded.',
        tags,
        operationId: 'submitReportJob',
        body: InvokeBodySchema,
        response: { 202: JobSchema, ...errorResponses([...AUTH_ERRORS, 400, 415, 422]) },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request)
      const principal = request.principal
      if (!principal) throw new Error('no principal')
      const resolved = await service.resolve(actor, principal.actions, request.body)
      await service.precheck(resolved)
      const id = await jobs.insert(
        {
          tenant_id: actor.tenantId,
          user_id: principal.userId,
          token_id: principal.tokenId ?? null,
          report_name: resolved.info.name,
          parameters: JSON.stringify(resolved.params),
          format: resolved.params.format,
        },
        nowIso(),
      )
      const job = await mine(actor.tenantId, principal.userId, id)
      reply.code(202).header('Location', jobUrl(id))
      return jobOf(job)
    },
  )

  app.get(
    '/api/v1/reports/jobs/:id',
    {
      config: { action: 'authenticated' },
      schema: {
        summary: 'A report job: status, progress (rows so far), errors',
        tags,
        operationId: 'getReportJob',
        params: JobParams,
        response: { 200: JobSchema, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request) => {
      const p = request.principal
      if (!p) throw new Error('no principal')
      return jobOf(await mine(p.tenantId, p.userId, request.params.id))
    },
  )

  app.get(
    '/api/v1/reports/jobs/:id/result',
    {
      config: { action: 'authenticated', produces: REPORT_FORMATS },
      schema: {
        summary: "Download a succeeded job's result",
        tags,
        operationId: 'getReportJobResult',
        params: JobParams,
        response: { 200: ReportFileSchema, ...errorResponses([...AUTH_ERRORS, 404, 409, 410]) },
      },
    },
    async (request, reply) => {
      const p = request.principal
      if (!p) throw new Error('no principal')
      const job = await mine(p.tenantId, p.userId, request.params.id)
      if (job.status === 'expired') throw new Gone(`The result of report job ${job.id} has expired`)
      if (job.status !== 'succeeded') {
        throw new Conflict(`Report job ${job.id} is ${job.status}; its result is not available`)
      }
      async function* pieces(): AsyncGenerator<Uint8Array> {
        for (let seq = 0; ; seq++) {
          const data = await jobs.chunk(job.id, seq)
          if (!data) return
          yield data
        }
      }
      reply.header('Content-Disposition', `attachment; filename="${job.filename ?? `report-${job.id}`}"`)
      if (job.size_bytes !== null) reply.header('Content-Length', job.size_bytes)
      return reply
        .type(job.media_type ?? 'application/octet-stream')
        .send(Readable.from(pieces(), { objectMode: false }))
    },
  )
}
