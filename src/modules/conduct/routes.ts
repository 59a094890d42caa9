import type { IncomingMessage } from 'node:http'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ModulePlugin } from '../index.js'
import { ValidationFailed } from '../../errors.js'
import { Page, PageQuerySchema } from '../../http/pagination.js'
import { AUTH_ERRORS, errorResponses } from '../../http/schemas.js'
import { csvRecords, ndjsonRecords, type BodyRecord } from './records.js'
import {
  ImportResultSchema,
  ItemSchema,
  NewItemSchema,
  NewObservationSchema,
  NewSubjectSchema,
  NewTimepointSchema,
  ObservationQuery,
  ObservationSchema,
  SubjectSchema,
  TimepointSchema,
} from './schemas.js'
import { ConductService } from './service.js'
import { StudyParams } from '../studies/schemas.js'
import { actorOf } from '../../http/principal.js'

const tags = ['study data']
const READ_ERRORS = errorResponses([...AUTH_ERRORS, 404, 422])
const WRITE_ERRORS = errorResponses([...AUTH_ERRORS, 400, 404, 413, 415, 422])
const batch = <T extends Parameters<typeof Type.Array>[0]>(t: T) =>
  Type.Array(t, { minItems: 1, maxItems: 1000 })

async function* jsonRecords(rows: readonly object[]): AsyncGenerator<BodyRecord> {
  let line = 0
  for (const row of rows) yield { line: line++, row: row as Record<string, unknown> }
}

/** Study conduct data under /api/v1/studies/{studyId}: subjects, timepoints, data items, observations. */
const conduct: ModulePlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const service = ConductService.of(ctx)
  // Bulk bodies are handed to the import as the raw stream: parsed record by record, never held whole.
  app.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'application/ndjson'],
    (_request, payload: IncomingMessage, done: (err: Error | null, body?: unknown) => void) => {
      done(null, payload)
    },
  )

  const base = '/api/v1/studies/:studyId'
  app.get(
    `${base}/subjects`,
    {
      config: { action: 'studies.view' },
      schema: {
        summary: "A study's subjects",
        tags,
        operationId: 'listSubjects',
        params: StudyParams,
        querystring: PageQuerySchema,
        response: { 200: Page(SubjectSchema), ...READ_ERRORS },
      },
    },
    async (request) => service.listSubjects(actorOf(request), request.params.studyId, request.query),
  )
  app.post(
    `${base}/subjects`,
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Add subjects to a study (up to 1000 per call; all or none)',
        tags,
        operationId: 'createSubjects',
        params: StudyParams,
        body: batch(NewSubjectSchema),
        response: { 201: Type.Array(SubjectSchema), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      reply.code(201)
      return service.createSubjects(actorOf(request), request.params.studyId, request.body)
    },
  )
  app.get(
    `${base}/timepoints`,
    {
      config: { action: 'studies.view' },
      schema: {
        summary: "A study's schedule of timepoints",
        tags,
        operationId: 'listTimepoints',
        params: StudyParams,
        querystring: PageQuerySchema,
        response: { 200: Page(TimepointSchema), ...READ_ERRORS },
      },
    },
    async (request) => service.listTimepoints(actorOf(request), request.params.studyId, request.query),
  )
  app.post(
    `${base}/timepoints`,
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Add timepoints to the schedule (all or none)',
        tags,
        operationId: 'createTimepoints',
        params: StudyParams,
        body: batch(NewTimepointSchema),
        response: { 201: Type.Array(TimepointSchema), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      reply.code(201)
      return service.createTimepoints(actorOf(request), request.params.studyId, request.body)
    },
  )
  app.get(
    `${base}/items`,
    {
      config: { action: 'studies.view' },
      schema: {
        summary: "A study's data items",
        tags,
        operationId: 'listItems',
        params: StudyParams,
        querystring: PageQuerySchema,
        response: { 200: Page(ItemSchema), ...READ_ERRORS },
      },
    },
    async (request) => service.listItems(actorOf(request), request.params.studyId, request.query),
  )
  app.post(
    `${base}/items`,
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Add data items (all or none)',
        tags,
        operationId: 'createItems',
        params: StudyParams,
        body: batch(NewItemSchema),
        response: { 201: Type.Array(ItemSchema), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      reply.code(201)
      return service.createItems(actorOf(request), request.params.studyId, request.body)
    },
  )
  app.get(
    `${base}/observations`,
    {
      config: { action: 'studies.view' },
      schema: {
        summary: "A study's observations, optionally narrowed to subjects and timepoints",
        tags,
        operationId: 'listObservations',
        params: StudyParams,
        querystring: ObservationQuery,
        response: { 200: Page(ObservationSchema), ...READ_ERRORS },
      },
    },
    async (request) => service.listObservations(actorOf(request), request.params.studyId, request.query),
  )
  app.post(
    `${base}/observations`,
    {
      config: { action: 'studies.manage' },
      schema: {
        summary: 'Record observations (insert, or update an unlocked one); all or none',
        tags,
        operationId: 'recordObservations',
        params: StudyParams,
        body: batch(NewObservationSchema),
        response: { 200: ImportResultSchema, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      service.importObservations(actorOf(request), request.params.studyId, jsonRecords(request.body)),
  )
  app.post(
    `${base}/observations/import`,
    {
      config: { action: 'studies.manage', consumes: ['ndjson', 'csv'] },
      schema: {
        summary: 'Bulk import observations from a streamed NDJSON or CSV body; all or none',
        description:
          'One observation per NDJSON line (`{"subject":"1001","timepoint":"Day 1 0h","item":"SYSBP","value":"120"}`) ' +
          'or CSV row with a header `subject,timepoint,item,value,unit,collectedAt,locked`. The body is read as ' +
          'a stream (no size limit); when any row is bad nothing is written and every problem is listed with its line.',
        tags,
        operationId: 'importObservations',
        params: StudyParams,
        response: { 200: ImportResultSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      // No body at all (and so no Content-Type) reaches here as undefined: the same answer as an empty one.
      if (request.body === undefined)
        throw ValidationFailed.one('/body', 'the body holds no records', 'required')
      const stream = request.body as IncomingMessage
      const records = /csv/i.test(request.headers['content-type'] ?? '')
        ? csvRecords(stream)
        : ndjsonRecords(stream)
      return service.importObservations(actorOf(request), request.params.studyId, records)
    },
  )
}

export default conduct
