import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { ResolvedReport } from '../params.js'
import type { RawRow, Snapshot } from './source.js'

export type Cell = string | number | null
/** A report as columns and batches of rows (arrays in column order), produced lazily. */
export interface Table {
  columns: string[]
  batches: AsyncGenerator<Cell[][]>
}

export interface SubjectDim {
  number: string
  siteId: number | null
}
export interface TimepointDim {
  id: number
  name: string
  day: number
  offset: number
}
export interface ItemDim {
  code: string
  label: string
  form: string
  group: string
}

/** The study's design (small: subjects × timepoints × items, never the observations) loaded in the snapshot. */
export interface Dimensions {
  subjects: Map<number, SubjectDim>
  timepoints: Map<number, TimepointDim>
  items: Map<number, ItemDim>
}

export async function loadDimensions(db: Kysely<DB>, snap: Snapshot, r: ResolvedReport): Promise<Dimensions> {
  const tenantId = r.study.tenant_id
  const studyId = r.study.id
  let sq = db
    .selectFrom('study_subjects')
    .select(['id', 'subject_number', 'site_id'])
    .where('tenant_id', '=', tenantId)
    .where('study_id', '=', studyId)
  if (r.subjectIds) sq = sq.where('id', 'in', r.subjectIds.length ? r.subjectIds : [0])
  const subjects = await snap.all(sq.compile())
  const timepoints = await snap.all(
    db
      .selectFrom('study_timepoints')
      .select(['id', 'name', 'study_day', 'offset_minutes'])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('id')
      .compile(),
  )
  const items = await snap.all(
    db
      .selectFrom('data_items')
      .select(['id', 'code', 'label', 'form', 'item_group'])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('id')
      .compile(),
  )
  return {
    subjects: new Map(
      subjects.map((s) => [s[0] as number, { number: s[1] as string, siteId: s[2] as number | null }]),
    ),
    timepoints: new Map(
      timepoints.map((t) => [
        t[0] as number,
        { id: t[0] as number, name: t[1] as string, day: t[2] as number, offset: t[3] as number },
      ]),
    ),
    items: new Map(
      items.map((i) => [
        i[0] as number,
        { code: i[1] as string, label: i[2] as string, form: i[3] as string, group: i[4] as string },
      ]),
    ),
  }
}

/** Observation columns selected by `observationsQuery`, in order. */
export const Obs = {
  id: 0,
  subject: 1,
  timepoint: 2,
  item: 3,
  value: 4,
  unit: 5,
  collectedAt: 6,
  locked: 7,
} as const

/** The study's observations the run asks for, narrowed in SQL so indexes do the work (nothing selected yet). */
export function observationsFilter(db: Kysely<DB>, r: ResolvedReport) {
  let q = db
    .selectFrom('observations')
    .where('tenant_id', '=', r.study.tenant_id)
    .where('study_id', '=', r.study.id)
  if (r.subjectIds) q = q.where('subject_id', 'in', r.subjectIds.length ? r.subjectIds : [0])
  if (r.timepointIds) q = q.where('timepoint_id', 'in', r.timepointIds.length ? r.timepointIds : [0])
  if (!r.params.includeUnlockedForms && r.info.name === 'transfer') q = q.where('locked', '=', 1)
  if (r.from !== undefined) q = q.where('collected_at', '>=', r.from)
  if (r.toExclusive !== undefined) q = q.where('collected_at', '<', r.toExclusive)
  return q
}

/** The observations of `observationsFilter` in (subject, timepoint, item) order. */
export function observationsQuery(db: Kysely<DB>, r: ResolvedReport) {
  return observationsFilter(db, r)
    .select(['id', 'subject_id', 'timepoint_id', 'item_id', 'value', 'unit', 'collected_at', 'locked'])
    .orderBy('subject_id')
    .orderBy('timepoint_id')
    .orderBy('item_id')
    .compile()
}

export function usubjid(r: ResolvedReport, subject: SubjectDim): string {
  const part = {
    study: r.study.protocol,
    site: subject.siteId === null ? '' : String(subject.siteId),
    subject: subject.number,
  }
  return r.params.usubjidParts.map((p) => part[p]).join(r.params.usubjidSeparator)
}

export function transferColumns(r: ResolvedReport): string[] {
  return [
    ...(r.params.uniqueRowId ? ['ROWID'] : []),
    'STUDYID',
    ...(r.params.includeSiteId ? ['SITEID'] : []),
    'USUBJID',
    'SUBJID',
    'VISIT',
    'VISITDY',
    'TPTOFFSET',
    'FORM',
    'ITEMGROUP',
    'ITEM',
    'LABEL',
    'VALUE',
    'UNIT',
    'COLLECTED_AT',
    'LOCKED',
  ]
}

/** transfer: one row per observation. */
export function transferTable(db: Kysely<DB>, snap: Snapshot, r: ResolvedReport, dims: Dimensions): Table {
  const { uniqueRowId, includeSiteId } = r.params
  const protocol = r.study.protocol
  const ids = new Map<number, string>()
  async function* batches(): AsyncGenerator<Cell[][]> {
    for await (const batch of snap.batches(observationsQuery(db, r))) {
      yield batch.map((o: RawRow) => {
        const subjectId = o[Obs.subject] as number
        const s = dims.subjects.get(subjectId)
        const t = dims.timepoints.get(o[Obs.timepoint] as number)
        const i = dims.items.get(o[Obs.item] as number)
        let id = ids.get(subjectId)
        if (id === undefined && s) {
          id = usubjid(r, s)
          if (ids.size > 10_000) ids.clear()
          ids.set(subjectId, id)
        }
        const row: Cell[] = []
        if (uniqueRowId) row.push(o[Obs.id] as number)
        row.push(protocol)
        if (includeSiteId) row.push(s?.siteId ?? null)
        row.push(
          id ?? null,
          s?.number ?? null,
          t?.name ?? null,
          t?.day ?? null,
          t?.offset ?? null,
          i?.form ?? null,
          i?.group ?? null,
          i?.code ?? null,
          i?.label ?? null,
          o[Obs.value] as string | null,
          o[Obs.unit] as string | null,
          o[Obs.collectedAt] as string | null,
          Number(o[Obs.locked]) === 1 ? 'Y' : 'N',
        )
        return row
      })
    }
  }
  return { columns: transferColumns(r), batches: batches() }
}

/** subjects: one row per subject, with counts of its observations. */
export function subjectsTable(db: Kysely<DB>, snap: Snapshot, r: ResolvedReport): Table {
  const tenantId = r.study.tenant_id
  async function* batches(): AsyncGenerator<Cell[][]> {
    let counts = db
      .selectFrom('observations')
      .select((eb) => ['subject_id', eb.fn.count('value').as('n'), eb.fn.sum('locked').as('locked')])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', r.study.id)
    if (r.subjectIds) counts = counts.where('subject_id', 'in', r.subjectIds.length ? r.subjectIds : [0])
    const perSubject = new Map(
      (await snap.all(counts.groupBy('subject_id').compile())).map((c) => [
        c[0] as number,
        [Number(c[1]), Number(c[2])],
      ]),
    )
    let q = db
      .selectFrom('study_subjects')
      .select(['id', 'site_id', 'subject_number', 'cohort', 'status', 'enrolled_on', 'randomised_on'])
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', r.study.id)
    if (r.subjectIds) q = q.where('id', 'in', r.subjectIds.length ? r.subjectIds : [0])
    if (r.from !== undefined) q = q.where('enrolled_on', '>=', r.from.slice(0, 10))
    if (r.toExclusive !== undefined) q = q.where('enrolled_on', '<', r.toExclusive.slice(0, 10))
    for await (const batch of snap.batches(q.orderBy('id').compile())) {
      yield batch.map((s) => {
        const [n, locked] = perSubject.get(s[0] as number) ?? [0, 0]
        const dim = { number: s[2] as string, siteId: s[1] as number | null }
        return [
          r.study.protocol,
          dim.siteId,
          usubjid(r, dim),
          dim.number,
          s[3] as string | null,
          s[4] as string,
          s[5] as string | null,
          s[6] as string | null,
          n ?? 0,
          locked ?? 0,
        ]
      })
    }
  }
  return {
    columns: [
      'STUDYID',
      'SITEID',
      'USUBJID',
      'SUBJID',
      'COHORT',
      'STATUS',
      'ENROLLED_ON',
      'RANDOMISED_ON',
      'OBSERVATIONS',
      'LOCKED_OBSERVATIONS',
    ],
    batches: batches(),
  }
}

/** visit-completion: per timepoint, values expected (subjects × items) against values collected and locked. */
export function visitCompletionTable(
  db: Kysely<DB>,
  snap: Snapshot,
  r: ResolvedReport,
  dims: Dimensions,
): Table {
  async function* batches(): AsyncGenerator<Cell[][]> {
    let q = db
      .selectFrom('observations')
      .select((eb) => ['timepoint_id', eb.fn.count('value').as('n'), eb.fn.sum('locked').as('locked')])
      .where('tenant_id', '=', r.study.tenant_id)
      .where('study_id', '=', r.study.id)
    if (r.subjectIds) q = q.where('subject_id', 'in', r.subjectIds.length ? r.subjectIds : [0])
    if (r.timepointIds) q = q.where('timepoint_id', 'in', r.timepointIds.length ? r.timepointIds : [0])
    if (r.from !== undefined) q = q.where('collected_at', '>=', r.from)
    if (r.toExclusive !== undefined) q = q.where('collected_at', '<', r.toExclusive)
    const counts = new Map(
      (await snap.all(q.groupBy('timepoint_id').compile())).map((c) => [
        c[0] as number,
        [Number(c[1]), Number(c[2])],
      ]),
    )
    const subjects = dims.subjects.size
    const expected = subjects * dims.items.size
    const wanted = r.timepointIds ? new Set(r.timepointIds) : undefined
    const rows: Cell[][] = []
    for (const t of dims.timepoints.values()) {
      if (wanted && !wanted.has(t.id)) continue
      const [collected, locked] = counts.get(t.id) ?? [0, 0]
      const pct = expected === 0 ? '0.0' : ((100 * (collected ?? 0)) / expected).toFixed(1)
      rows.push([
        r.study.protocol,
        t.name,
        t.day,
        t.offset,
        subjects,
        expected,
        collected ?? 0,
        locked ?? 0,
        pct,
      ])
    }
    yield rows
  }
  return {
    columns: [
      'STUDYID',
      'VISIT',
      'VISITDY',
      'TPTOFFSET',
      'SUBJECTS',
      'EXPECTED',
      'COLLECTED',
      'LOCKED',
      'PERCENT_COMPLETE',
    ],
    batches: batches(),
  }
}
