import type { Kysely } from 'kysely'
import { Type, type Static, type TSchema } from 'typebox'
import type { DB } from '../../db/schema.js'
import { ErrorList, Forbidden, ValidationFailed } from '../../errors.js'
import type { Actor } from '../audit/service.js'
import { isRoleAction, type RoleAction } from '../identity/actions.js'
import { mayAccessStudy } from '../conduct/access.js'
import { splitList } from '../conduct/service.js'
import { isIsoDate, isIsoDateTime } from '../conduct/values.js'
import { STUDY_NAME_MATCH, studiesNamed } from '../studies/names.js'
import type { StudyRow } from '../studies/repository.js'
import {
  DELIMITERS,
  REPORT_FORMATS,
  REPORTS,
  USUBJID_PARTS,
  reportInfo,
  type ReportFormat,
  type ReportInfo,
  type UsubjidPart,
} from './catalogue.js'
import { Id } from '../../http/schemas.js'

const fields = <L extends TSchema>(list: L) => ({
  reportName: Type.String({ minLength: 1, description: REPORTS.map((r) => r.name).join(', ') }),
  studyId: Type.Optional(Id()),
  studyName: Type.Optional(Type.String({ minLength: 1, description: STUDY_NAME_MATCH })),
  subjects: Type.Optional(list),
  timepoints: Type.Optional(list),
  dateFrom: Type.Optional(Type.String({ description: 'YYYY-MM-DD or an ISO 8601 date-time' })),
  dateTo: Type.Optional(Type.String({ description: 'YYYY-MM-DD (inclusive) or an ISO 8601 date-time' })),
  format: Type.Optional(Type.Enum(REPORT_FORMATS)),
  delimiter: Type.Optional(Type.Enum(DELIMITERS)),
  uniqueRowId: Type.Optional(Type.Boolean()),
  includeUnlockedForms: Type.Optional(Type.Boolean()),
  includeSiteId: Type.Optional(Type.Boolean()),
  usubjidSeparator: Type.Optional(Type.String({ maxLength: 5 })),
  usubjidParts: Type.Optional(list),
  truncate: Type.Optional(
    Type.Boolean({ description: 'XPT: cut text over 200 bytes and make it ASCII instead of a 422' }),
  ),
})

const CommaList = Type.String({ description: 'comma-separated' })

/** invokeReport as a query string (GET): lists are comma-separated. */
export const InvokeQuerySchema = Type.Object(fields(CommaList), { additionalProperties: false })
/** invokeReport as a JSON body (POST): lists may also be arrays. */
export const InvokeBodySchema = Type.Object(
  fields(Type.Union([CommaList, Type.Array(Type.String(), { maxItems: 10000 })])),
  { additionalProperties: false },
)
export type InvokeInput = Static<typeof InvokeBodySchema>

/** Validated, normalised parameters (what a job stores and the audit records). */
interface ReportParameters {
  reportName: string
  studyId?: number
  studyName?: string
  subjects?: string[]
  timepoints?: string[]
  dateFrom?: string
  dateTo?: string
  format: ReportFormat
  delimiter: string
  uniqueRowId: boolean
  includeUnlockedForms: boolean
  includeSiteId: boolean
  usubjidSeparator: string
  usubjidParts: UsubjidPart[]
  truncate: boolean
}

/** A report ready to run: what, on which study, narrowed to which subject and timepoint ids. */
export interface ResolvedReport {
  info: ReportInfo
  params: ReportParameters
  study: StudyRow
  subjectIds?: number[]
  timepointIds?: number[]
  /** Lower and upper bounds on collected_at / enrolled_on, as text that sorts as time does. */
  from?: string
  toExclusive?: string
}

const nextDay = (d: string): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

/** Checks the parameters (every problem named by its parameter) and the caller's right to run the report. */
export async function resolveReport(
  db: Kysely<DB>,
  actor: Actor,
  actions: ReadonlySet<RoleAction> | 'all',
  input: InvokeInput,
  defaultFormat: ReportFormat = 'csv',
): Promise<ResolvedReport> {
  const errors = new ErrorList()
  const info = reportInfo(input.reportName)
  if (!info)
    errors.add('reportName', `unknown report; one of ${REPORTS.map((r) => r.name).join(', ')}`, 'enum')
  const format = input.format ?? defaultFormat
  if (info && !info.formats.includes(format))
    errors.add('format', `report ${info.name} is offered as ${info.formats.join(', ')}`, 'enum')
  if (input.studyId === undefined && input.studyName === undefined)
    errors.add('studyId', 'give studyId or studyName', 'required')
  const parts = splitList(input.usubjidParts) ?? [...USUBJID_PARTS]
  const badParts = parts.filter((p) => !(USUBJID_PARTS as readonly string[]).includes(p))
  if (badParts.length > 0 || parts.length === 0)
    errors.add('usubjidParts', `each part is one of ${USUBJID_PARTS.join(', ')}`, 'enum')
  const bound = (name: 'dateFrom' | 'dateTo', v: string | undefined): string | undefined => {
    if (v === undefined) return undefined
    if (isIsoDate(v)) return name === 'dateTo' ? nextDay(v) : v
    if (isIsoDateTime(v)) return new Date(v).toISOString()
    errors.add(name, 'must be a date YYYY-MM-DD or an ISO 8601 date-time', 'date')
    return undefined
  }
  const from = bound('dateFrom', input.dateFrom)
  const toExclusive = bound('dateTo', input.dateTo)
  if (from !== undefined && toExclusive !== undefined && from >= toExclusive)
    errors.add('dateTo', 'must not be before dateFrom', 'range')
  const subjects = splitList(input.subjects)
  const timepoints = splitList(input.timepoints)
  if (info && timepoints && !info.parameters.some((p) => p.name === 'timepoints'))
    errors.add('timepoints', `report ${info.name} does not take timepoints`, 'unknown')
  if (info && subjects && !info.parameters.some((p) => p.name === 'subjects'))
    errors.add('subjects', `report ${info.name} does not take subjects`, 'unknown')
  errors.throwIfAny()
  if (!info) throw new Error('unreachable')

  const needed = await requiredAction(db, actor.tenantId, info)
  if (actions !== 'all' && !actions.has(needed))
    throw new Forbidden(`Report ${info.name} needs the role action ${needed}`, needed)

  let q = db.selectFrom('studies').selectAll().where('tenant_id', '=', actor.tenantId)
  if (input.studyId !== undefined) q = q.where('id', '=', input.studyId)
  if (input.studyName !== undefined) {
    // By name or protocol, as every operation that takes studyName matches it: studies/names.ts.
    const named = await studiesNamed(db, actor.tenantId, input.studyName)
    q = q.where('id', 'in', [0, ...named.map((n) => n.id)])
  }
  const found = await q.limit(2).execute()
  const param = input.studyId !== undefined ? 'studyId' : 'studyName'
  if (found.length !== 1 || !found[0]) {
    const what = input.studyId !== undefined ? String(input.studyId) : `"${input.studyName ?? ''}"`
    throw ValidationFailed.one(
      param,
      found.length > 1 ? `${what} names several studies; use studyId` : `no study ${what}`,
      'reference',
    )
  }
  const study = found[0]
  if (actor.userId !== null && !(await mayAccessStudy(db, actor.tenantId, actor.userId, study.id)))
    throw new Forbidden(`Study ${study.protocol} is restricted; this account may not run reports on it`)

  const resolved: ResolvedReport = {
    info,
    study,
    params: {
      reportName: info.name,
      ...(input.studyId !== undefined ? { studyId: input.studyId } : {}),
      ...(input.studyName !== undefined ? { studyName: input.studyName } : {}),
      ...(subjects ? { subjects } : {}),
      ...(timepoints ? { timepoints } : {}),
      ...(input.dateFrom !== undefined ? { dateFrom: input.dateFrom } : {}),
      ...(input.dateTo !== undefined ? { dateTo: input.dateTo } : {}),
      format,
      delimiter: input.delimiter === 'tab' ? '\t' : (input.delimiter ?? ','),
      uniqueRowId: input.uniqueRowId ?? false,
      includeUnlockedForms: input.includeUnlockedForms ?? false,
      includeSiteId: input.includeSiteId ?? false,
      usubjidSeparator: input.usubjidSeparator ?? '-',
      usubjidParts: parts as UsubjidPart[],
      truncate: input.truncate ?? false,
    },
    ...(from !== undefined ? { from } : {}),
    ...(toExclusive !== undefined ? { toExclusive } : {}),
  }
  if (subjects) {
    const rows = await db
      .selectFrom('study_subjects')
      .select(['id', 'subject_number'])
      .where('tenant_id', '=', actor.tenantId)
      .where('study_id', '=', study.id)
      .where('subject_number', 'in', subjects)
      .execute()
    const known = new Map(rows.map((r) => [r.subject_number, r.id]))
    const unknown = subjects.filter((s) => !known.has(s))
    if (unknown.length > 0)
      errors.add('subjects', `not in study ${study.protocol}: ${unknown.join(', ')}`, 'reference')
    resolved.subjectIds = rows.map((r) => r.id).sort((a, b) => a - b)
  }
  if (timepoints) {
    const rows = await db
      .selectFrom('study_timepoints')
      .select(['id', 'name'])
      .where('tenant_id', '=', actor.tenantId)
      .where('study_id', '=', study.id)
      .where('name', 'in', timepoints)
      .execute()
    const known = new Set(rows.map((r) => r.name))
    const unknown = timepoints.filter((t) => !known.has(t))
    if (unknown.length > 0)
      errors.add('timepoints', `not in study ${study.protocol}: ${unknown.join(', ')}`, 'reference')
    resolved.timepointIds = rows.map((r) => r.id).sort((a, b) => a - b)
  }
  errors.throwIfAny()
  return resolved
}

/** The role action a report needs in this tenant: settings.reportActions[name], else the catalogue's. */
export async function requiredAction(
  db: Kysely<DB>,
  tenantId: number,
  info: ReportInfo,
): Promise<RoleAction> {
  const tenant = await db
    .selectFrom('tenants')
    .select('settings')
    .where('id', '=', tenantId)
    .executeTakeFirst()
  try {
    const settings = JSON.parse(tenant?.settings ?? '{}') as { reportActions?: Record<string, unknown> }
    const custom = settings.reportActions?.[info.name]
    if (typeof custom === 'string' && isRoleAction(custom)) return custom
  } catch {
    // unreadable settings: the catalogue's default applies
  }
  return info.action
}
