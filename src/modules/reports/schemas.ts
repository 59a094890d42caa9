import { Type, type Static } from 'typebox'
import { RoleActionSchema } from '../identity/schemas.js'
import { JSON_FORM } from '../../http/openapi-contract.js'
import { REPORT_FORMATS } from './catalogue.js'
import { Amount, Count, Id, Nullable } from '../../http/schemas.js'
import { Page } from '../../http/pagination.js'

// No example of its own: the catalogue's example is the demo's (GET /api/v1/reports as the demo answers it).
const ParameterSchema = Type.Object({
  name: Type.String(),
  type: Type.Enum(['string', 'integer', 'boolean', 'date', 'list']),
  required: Type.Boolean(),
  description: Type.String(),
  default: Type.Optional(Type.Union([Type.String(), Amount(), Type.Boolean(), Type.Array(Type.String())])),
  values: Type.Optional(Type.Array(Type.String())),
})

const ReportInfoSchema = Type.Object({
  name: Type.String(),
  dataset: Type.String({ description: 'The dataset name in XPT and Dataset-JSON (≤ 8 characters)' }),
  title: Type.String(),
  description: Type.String(),
  action: RoleActionSchema,
  formats: Type.Array(Type.Enum(REPORT_FORMATS)),
  keys: Type.Array(Type.String(), { description: 'The columns that identify a row, in order' }),
  parameters: Type.Array(ParameterSchema),
})

export const CatalogueSchema = Type.Object({ reports: Type.Array(ReportInfoSchema) })
export type Catalogue = Static<typeof CatalogueSchema>

export const ReportFileSchema = Type.Unsafe<unknown>({
  type: 'string',
  format: 'binary',
  description: 'The report file, streamed as it is produced (Content-Disposition names it)',
  [JSON_FORM]: {
    type: 'array',
    description: 'The rows, each an object keyed by column name',
    items: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
  },
})

const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'expired'] as const

export const JobSchema = Type.Object({
  id: Id(),
  status: Type.Enum(JOB_STATUSES),
  reportName: Type.String(),
  format: Type.Enum(REPORT_FORMATS),
  parameters: Type.Record(Type.String(), Type.Unknown()),
  rows: Count({ description: 'rows produced so far (the total once succeeded)' }),
  attempts: Count(),
  errors: Type.Array(Type.String()),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  sizeBytes: Nullable(Count({ maximum: Number.MAX_SAFE_INTEGER })),
  resultUrl: Nullable(Type.String()),
})
export type Job = Static<typeof JobSchema>

export const JobParams = Type.Object({ id: Id() })

const ReportStudySchema = Type.Object({
  id: Id(),
  protocol: Type.String(),
  name: Type.String(),
  status: Type.String(),
  timepoints: Type.Array(Type.String(), { description: "The study's timepoint names, in schedule order" }),
})
export type ReportStudy = Static<typeof ReportStudySchema>
export const ReportStudyPageSchema = Page(ReportStudySchema)
export const JobPageSchema = Page(JobSchema)
