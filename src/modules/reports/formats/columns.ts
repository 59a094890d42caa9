import { sql, type Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { ResolvedReport } from '../params.js'
import { observationsFilter, usubjid, type Cell, type Dimensions, type Table } from '../producers/conduct.js'
import type { Snapshot } from '../producers/source.js'

/** What a column holds, in Dataset-JSON's words; XPT and xlsx derive their own types from it. */
export type DataType = 'string' | 'integer' | 'decimal' | 'double' | 'date' | 'datetime'

interface ColumnDef {
  label: string
  dataType: DataType
  /** Text holding values of any type (numbers among them), as VALUE does. */
  mixed?: boolean
}

const s = (label: string): ColumnDef => ({ label, dataType: 'string' })
const i = (label: string): ColumnDef => ({ label, dataType: 'integer' })
const money = (label: string): ColumnDef => ({ label, dataType: 'double' })

/** Every column a report has, by name (a name means the same wherever it appears). Labels ≤ 40 characters. */
const DEFS: Record<string, ColumnDef> = {
  ROWID: i('Unique Row Identifier'),
  STUDYID: s('Study Identifier'),
  SITEID: i('Study Site Identifier'),
  USUBJID: s('Unique Subject Identifier'),
  SUBJID: s('Subject Identifier for the Study'),
  VISIT: s('Visit Name'),
  VISITDY: i('Planned Study Day of Visit'),
  TPTOFFSET: i('Planned Offset from Visit (minutes)'),
  FORM: s('Form'),
  ITEMGROUP: s('Item Group'),
  ITEM: s('Item Code'),
  LABEL: s('Item Label'),
  VALUE: { label: 'Collected Value', dataType: 'string', mixed: true },
  UNIT: s('Unit'),
  COLLECTED_AT: { label: 'Date/Time of Collection', dataType: 'datetime' },
  LOCKED: s('Locked (Y/N)'),
  COHORT: s('Cohort'),
  STATUS: s('Subject Status'),
  ENROLLED_ON: { label: 'Date of Enrolment', dataType: 'date' },
  RANDOMISED_ON: { label: 'Date of Randomisation', dataType: 'date' },
  OBSERVATIONS: i('Observations'),
  LOCKED_OBSERVATIONS: i('Locked Observations'),
  SUBJECTS: i('Subjects'),
  EXPECTED: i('Values Expected'),
  COLLECTED: i('Values Collected'),
  PERCENT_COMPLETE: { label: 'Percent Complete', dataType: 'decimal' },
  SITENAME: s('Site Name'),
  VOLUNTEERS: i('Volunteers Preferring the Site'),
  INTERESTED: i('Volunteers Interested'),
  BOOKED: i('Volunteers Booked for Screening'),
  SCREENED: i('Subjects Screened'),
  ENROLLED: i('Subjects Enrolled'),
  PLANID: i('Baseline Plan Identifier'),
  STATUS_DATE: { label: 'Status Date', dataType: 'date' },
  LEVEL: s('Level (plan, provider, location)'),
  ID: i('Identifier at that Level'),
  NAME: s('Name'),
  BAC: money('Budget at Completion'),
  PV: money('Planned Value'),
  EV: money('Earned Value'),
  AC: money('Actual Cost'),
  SV: money('Schedule Variance'),
  CV: money('Cost Variance'),
  SPI: money('Schedule Performance Index'),
  CPI: money('Cost Performance Index'),
  EAC: money('Estimate at Completion'),
  ETC: money('Estimate to Complete'),
  VAC: money('Variance at Completion'),
  TCPI: money('To-Complete Performance Index'),
}

/** Where a report gives a name another meaning: `report.COLUMN`. */
const REPORT_DEFS: Record<string, ColumnDef> = {
  'visit-completion.LOCKED': i('Values Locked'),
}

export function columnDef(name: string, report?: string): ColumnDef {
  return REPORT_DEFS[`${report ?? ''}.${name}`] ?? DEFS[name] ?? s(name)
}

/** What the data of a run hold, known before its first byte: rows, and per text column its longest value. */
export interface Profile {
  records: number
  /** Longest value in UTF-8 bytes, per column (0 for columns that are not text or hold nothing). */
  maxBytes: number[]
  /** Whether a column holds a character outside ASCII. */
  nonAscii: boolean[]
}

export interface ExportColumn {
  name: string
  label: string
  dataType: DataType
  /** For text: the longest value in bytes (at least 1). */
  length: number
  /** Position among the dataset's keys (1-based), if it is one. */
  keySequence?: number
}

const NON_ASCII = /[^\x00-\x7f]/

function measure(p: Profile, col: number, cell: Cell): void {
  if (cell === null) return
  const v = String(cell)
  const wide = NON_ASCII.test(v)
  const bytes = wide ? Buffer.byteLength(v) : v.length
  if (bytes > (p.maxBytes[col] ?? 0)) p.maxBytes[col] = bytes
  if (wide) p.nonAscii[col] = true
}

const emptyProfile = (width: number): Profile => ({
  records: 0,
  maxBytes: new Array<number>(width).fill(0),
  nonAscii: new Array<boolean>(width).fill(false),
})

/**
 * Profile by reading the table once before writing it (the same snapshot, so the same rows). For the reports
 * whose rows are aggregates (subjects, visit-completion, funnel, performance), which are few and cheap to make.
 */
export async function profileByScan(table: Table): Promise<Profile> {
  const p = emptyProfile(table.columns.length)
  for await (const batch of table.batches) {
    p.records += batch.length
    for (const row of batch) for (let c = 0; c < row.length; c++) measure(p, c, row[c] ?? null)
  }
  return p
}

/**
 * Profile of the transfer report without reading its rows: one aggregate query over the same observations
 * (count, and the longest VALUE and UNIT in bytes and whether they hold non-ASCII: bytes ≠ characters), and the
 * dimensions (subjects, timepoints, items) for the columns that come from them.
 */
export async function transferProfile(
  db: Kysely<DB>,
  snap: Snapshot,
  r: ResolvedReport,
  dims: Dimensions,
  columns: readonly string[],
): Promise<Profile> {
  const bytes = (c: 'value' | 'unit') =>
    snap.dialect === 'sqlite'
      ? sql<number>`length(cast(${sql.ref(c)} as blob))`
      : sql<number>`octet_length(${sql.ref(c)})`
  const wide = (c: 'value' | 'unit') => sql<number>`max(${bytes(c)} - length(${sql.ref(c)}))`
  const q = observationsFilter(db, r)
    .select([
      sql<number>`count(*)`.as('n'),
      sql<number>`max(${bytes('value')})`.as('value_bytes'),
      wide('value').as('value_wide'),
      sql<number>`max(${bytes('unit')})`.as('unit_bytes'),
      wide('unit').as('unit_wide'),
    ])
    .compile()
  const [row] = await snap.all(q)
  const p = emptyProfile(columns.length)
  p.records = Number(row?.[0] ?? 0)
  const at = (name: string) => columns.indexOf(name)
  const set = (name: string, maxBytes: unknown, nonAscii: unknown) => {
    const c = at(name)
    if (c < 0) return
    p.maxBytes[c] = Number(maxBytes ?? 0)
    p.nonAscii[c] = Number(nonAscii ?? 0) > 0
  }
  set('VALUE', row?.[1], row?.[2])
  set('UNIT', row?.[3], row?.[4])
  const from = (name: string, values: Iterable<string>) => {
    const c = at(name)
    if (c >= 0) for (const v of values) measure(p, c, v)
  }
  const subjects = [...dims.subjects.values()]
  const wanted = r.timepointIds ? new Set(r.timepointIds) : undefined
  const timepoints = [...dims.timepoints.values()].filter((t) => !wanted || wanted.has(t.id))
  const items = [...dims.items.values()]
  from('STUDYID', [r.study.protocol])
  from(
    'USUBJID',
    subjects.map((d) => usubjid(r, d)),
  )
  from(
    'SUBJID',
    subjects.map((d) => d.number),
  )
  from(
    'VISIT',
    timepoints.map((t) => t.name),
  )
  from(
    'FORM',
    items.map((x) => x.form),
  )
  from(
    'ITEMGROUP',
    items.map((x) => x.group),
  )
  from(
    'ITEM',
    items.map((x) => x.code),
  )
  from(
    'LABEL',
    items.map((x) => x.label),
  )
  from('LOCKED', ['Y'])
  return p
}

/** The columns of a run as the submission formats describe them. */
export function exportColumns(
  columns: readonly string[],
  profile: Profile,
  report: { name: string; keys: readonly string[] },
): ExportColumn[] {
  return columns.map((name, c) => {
    const def = columnDef(name, report.name)
    const key = report.keys.indexOf(name)
    return {
      name,
      label: def.label,
      dataType: def.dataType,
      length: Math.max(1, profile.maxBytes[c] ?? 0),
      ...(key >= 0 ? { keySequence: key + 1 } : {}),
    }
  })
}
