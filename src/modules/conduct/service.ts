import type BetterSqlite3 from 'better-sqlite3'
import type { AppContext } from '../../context.js'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { ErrorList, NotFound } from '../../errors.js'
import {
  decodeCursor,
  limitOf,
  pageOf,
  pageOfList,
  type Page,
  type PageQuery,
} from '../../http/pagination.js'
import { recordAudit, type Actor } from '../audit/service.js'
import { StudiesRepository, type StudyRow } from '../studies/repository.js'
import { assertStudyAccess } from './access.js'
import { importObservations, type ImportResult } from './import.js'
import type { BodyRecord } from './records.js'
import { ConductRepository, type ItemRow, type SubjectRow, type TimepointRow } from './repository.js'
import type { Item, NewItem, NewSubject, NewTimepoint, Observation, Subject, Timepoint } from './schemas.js'
import { isIsoDate } from './values.js'

const subjectOf = (r: SubjectRow): Subject => ({
  id: r.id,
  subjectNumber: r.subject_number,
  siteId: r.site_id,
  cohort: r.cohort,
  status: r.status,
  enrolledOn: r.enrolled_on,
  randomisedOn: r.randomised_on,
  volunteerId: r.volunteer_id,
})
const timepointOf = (r: TimepointRow): Timepoint => ({
  id: r.id,
  name: r.name,
  studyDay: r.study_day,
  offsetMinutes: r.offset_minutes,
})
const itemOf = (r: ItemRow): Item => ({
  id: r.id,
  code: r.code,
  label: r.label,
  dataType: r.data_type,
  unit: r.unit,
  form: r.form,
  itemGroup: r.item_group,
})

/** Comma-separated list → trimmed, non-empty, distinct values. */
export function splitList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const parts = (typeof value === 'string' ? value.split(',') : value.flatMap((v) => v.split(',')))
    .map((v) => v.trim())
    .filter((v) => v !== '')
  return [...new Set(parts)]
}

/** Study conduct data: subjects, schedule, items and observations of one study at a time. */
export class ConductService {
  readonly repo: ConductRepository
  private readonly studies: StudiesRepository

  /** `sqlite`: the raw connection under `db` when it is SQLite (bulk imports use it for speed). */
  constructor(
    private readonly db: Kysely<DB>,
    private readonly sqlite?: BetterSqlite3.Database,
  ) {
    this.repo = new ConductRepository(db)
    this.studies = new StudiesRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): ConductService {
    return new ConductService(
      ctx.db,
      ctx.database.raw.kind === 'sqlite' ? ctx.database.raw.sqlite : undefined,
    )
  }

  /** The study, if it is in the actor's tenant (else 404) and the actor's user may access it (else 403). */
  async study(actor: Actor, studyId: number): Promise<StudyRow> {
    const study = await this.studies.findById(actor.tenantId, studyId)
    if (!study) throw new NotFound(`No study ${studyId}`)
    if (actor.userId !== null && actor.kind !== 'system') {
      await assertStudyAccess(this.db, actor.tenantId, actor.userId, study)
    }
    return study
  }

  async listSubjects(actor: Actor, studyId: number, query: PageQuery): Promise<Page<Subject>> {
    await this.study(actor, studyId)
    const limit = limitOf(query)
    const rows = await this.repo.subjects(actor.tenantId, studyId, {
      afterId: decodeCursor(query.cursor) ?? 0,
      limit: limit + 1,
    })
    return pageOf(rows, limit, (r) => r.id, subjectOf)
  }

  async createSubjects(actor: Actor, studyId: number, subjects: readonly NewSubject[]): Promise<Subject[]> {
    const study = await this.study(actor, studyId)
    const errors = new ErrorList()
    const sites = new Set((await this.studies.sitesOf(actor.tenantId, studyId)).map((s) => s.site_id))
    const existing = new Set((await this.repo.subjects(actor.tenantId, studyId)).map((s) => s.subject_number))
    const volunteers = await this.repo.knownVolunteerIds(
      actor.tenantId,
      subjects.flatMap((s) => (s.volunteerId == null ? [] : [s.volunteerId])),
    )
    const inBody = new Set<string>()
    subjects.forEach((s, i) => {
      if (s.volunteerId != null && !volunteers.has(s.volunteerId))
        errors.add(`/body/${i}/volunteerId`, `no volunteer has id ${s.volunteerId}`, 'unknown')
      const at = `/body/${i}`
      if (existing.has(s.subjectNumber) || inBody.has(s.subjectNumber))
        errors.add(
          `${at}/subjectNumber`,
          `subject ${s.subjectNumber} already exists in ${study.protocol}`,
          'duplicate',
        )
      inBody.add(s.subjectNumber)
      if (s.siteId !== undefined && s.siteId !== null && !sites.has(s.siteId))
        errors.add(`${at}/siteId`, `study ${study.protocol} has no site ${s.siteId}`, 'reference')
      for (const f of ['enrolledOn', 'randomisedOn'] as const) {
        const d = s[f]
        if (d !== undefined && d !== null && !isIsoDate(d))
          errors.add(`${at}/${f}`, 'is not a real date', 'date')
      }
    })
    errors.throwIfAny()
    const now = nowIso()
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.repo.insertSubjects(
        trx,
        subjects.map((s) => ({
          tenant_id: actor.tenantId,
          study_id: studyId,
          subject_number: s.subjectNumber,
          site_id: s.siteId ?? null,
          cohort: s.cohort ?? null,
          status: s.status ?? 'enrolled',
          enrolled_on: s.enrolledOn ?? null,
          randomised_on: s.randomisedOn ?? null,
          volunteer_id: s.volunteerId ?? null,
          created_at: now,
          updated_at: now,
        })),
      )
      await recordAudit(trx, actor, {
        action: 'subjects.create',
        entityType: 'study',
        entityId: studyId,
        after: { subjects: rows.map((r) => r.subject_number) },
      })
      return rows.map(subjectOf)
    })
  }

  async listTimepoints(actor: Actor, studyId: number, query: PageQuery): Promise<Page<Timepoint>> {
    await this.study(actor, studyId)
    return pageOfList((await this.repo.timepoints(actor.tenantId, studyId)).map(timepointOf), query)
  }

  async createTimepoints(
    actor: Actor,
    studyId: number,
    timepoints: readonly NewTimepoint[],
  ): Promise<Timepoint[]> {
    const study = await this.study(actor, studyId)
    const existing = new Set((await this.repo.timepoints(actor.tenantId, studyId)).map((t) => t.name))
    const errors = new ErrorList()
    timepoints.forEach((t, i) => {
      if (existing.has(t.name))
        errors.add(
          `/body/${i}/name`,
          `timepoint "${t.name}" already exists in ${study.protocol}`,
          'duplicate',
        )
      existing.add(t.name)
    })
    errors.throwIfAny()
    const now = nowIso()
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.repo.insertTimepoints(
        trx,
        timepoints.map((t) => ({
          tenant_id: actor.tenantId,
          study_id: studyId,
          name: t.name,
          study_day: t.studyDay,
          offset_minutes: t.offsetMinutes ?? 0,
          created_at: now,
        })),
      )
      await recordAudit(trx, actor, {
        action: 'timepoints.create',
        entityType: 'study',
        entityId: studyId,
        after: { timepoints: rows.map((r) => r.name) },
      })
      return rows.map(timepointOf)
    })
  }

  async listItems(actor: Actor, studyId: number, query: PageQuery): Promise<Page<Item>> {
    await this.study(actor, studyId)
    return pageOfList((await this.repo.items(actor.tenantId, studyId)).map(itemOf), query)
  }

  async createItems(actor: Actor, studyId: number, items: readonly NewItem[]): Promise<Item[]> {
    const study = await this.study(actor, studyId)
    const existing = new Set((await this.repo.items(actor.tenantId, studyId)).map((t) => t.code))
    const errors = new ErrorList()
    items.forEach((t, i) => {
      if (existing.has(t.code))
        errors.add(`/body/${i}/code`, `item ${t.code} already exists in ${study.protocol}`, 'duplicate')
      existing.add(t.code)
    })
    errors.throwIfAny()
    const now = nowIso()
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.repo.insertItems(
        trx,
        items.map((t) => ({
          tenant_id: actor.tenantId,
          study_id: studyId,
          code: t.code,
          label: t.label,
          data_type: t.dataType,
          unit: t.unit ?? null,
          form: t.form,
          item_group: t.itemGroup,
          created_at: now,
        })),
      )
      await recordAudit(trx, actor, {
        action: 'items.create',
        entityType: 'study',
        entityId: studyId,
        after: { items: rows.map((r) => r.code) },
      })
      return rows.map(itemOf)
    })
  }

  async listObservations(
    actor: Actor,
    studyId: number,
    q: PageQuery & { subjects?: string; timepoints?: string },
  ): Promise<Page<Observation>> {
    await this.study(actor, studyId)
    const [subjects, timepoints, items] = await Promise.all([
      this.repo.subjects(actor.tenantId, studyId),
      this.repo.timepoints(actor.tenantId, studyId),
      this.repo.items(actor.tenantId, studyId),
    ])
    const errors = new ErrorList()
    const pick = <T>(
      names: string[] | undefined,
      rows: T[],
      name: (r: T) => string,
      id: (r: T) => number,
      param: string,
    ) => {
      if (!names) return undefined
      const by = new Map(rows.map((r) => [name(r), id(r)]))
      const unknown = names.filter((n) => !by.has(n))
      if (unknown.length > 0) errors.add(param, `not in this study: ${unknown.join(', ')}`, 'reference')
      return names.flatMap((n) => by.get(n) ?? [])
    }
    const subjectIds = pick(
      splitList(q.subjects),
      subjects,
      (s) => s.subject_number,
      (s) => s.id,
      'subjects',
    )
    const timepointIds = pick(
      splitList(q.timepoints),
      timepoints,
      (t) => t.name,
      (t) => t.id,
      'timepoints',
    )
    errors.throwIfAny()
    const rows = await this.repo.observations(actor.tenantId, studyId, {
      ...(subjectIds ? { subjectIds } : {}),
      ...(timepointIds ? { timepointIds } : {}),
      afterId: decodeCursor(q.cursor) ?? 0,
      limit: limitOf(q) + 1,
    })
    const sN = new Map(subjects.map((s) => [s.id, s.subject_number]))
    const tN = new Map(timepoints.map((t) => [t.id, t.name]))
    const iC = new Map(items.map((i) => [i.id, i.code]))
    return pageOf(
      rows,
      limitOf(q),
      (r) => r.id,
      (r) => ({
        id: r.id,
        subject: sN.get(r.subject_id) ?? '',
        timepoint: tN.get(r.timepoint_id) ?? '',
        item: iC.get(r.item_id) ?? '',
        value: r.value,
        unit: r.unit,
        collectedAt: r.collected_at,
        locked: r.locked === 1,
      }),
    )
  }

  async importObservations(
    actor: Actor,
    studyId: number,
    records: AsyncIterable<BodyRecord>,
  ): Promise<ImportResult> {
    const study = await this.study(actor, studyId)
    return importObservations(this.db, actor, study, records, this.sqlite)
  }
}
