import { ErrorList } from '../../../errors.js'
import type { ExportColumn, Profile } from './columns.js'
import { counted, type Progress } from './tabular.js'
import type { Cell, Table } from '../producers/conduct.js'
import { XPT_MAX_CHAR, XptObservations, xptHeader, xptNames, type XptValue, type XptVariable } from './xpt.js'

const DAY_MS = 86_400_000
/** 1960-01-01T00:00:00Z, SAS's day 0, in Unix milliseconds. */
const SAS_EPOCH_MS = Date.UTC(1960, 0, 1)

/** Days since 1960-01-01 of a `YYYY-MM-DD` (or the date part of a date-time). */
export function sasDate(v: string): number {
  const ms = Date.parse(`${v.slice(0, 10)}T00:00:00Z`)
  if (Number.isNaN(ms)) throw new Error(`not a date: ${v}`)
  return (ms - SAS_EPOCH_MS) / DAY_MS
}

/** Seconds since 1960-01-01T00:00:00 (UTC) of an ISO 8601 date-time, milliseconds kept as a fraction. */
export function sasDateTime(v: string): number {
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw new Error(`not a date-time: ${v}`)
  return (ms - SAS_EPOCH_MS) / 1000
}

function toNumber(v: Cell): number | null {
  if (v === null || typeof v === 'number') return v
  if (v.trim() === '') return null
  const n = Number(v)
  if (Number.isNaN(n)) throw new Error(`not a number: ${v}`)
  return n
}

/** How a report cell becomes an XPT value, per column type. */
function converter(c: ExportColumn): (v: Cell) => XptValue {
  switch (c.dataType) {
    case 'string':
      return (v) => (v === null ? '' : String(v))
    case 'date':
      return (v) => (v === null || v === '' ? null : sasDate(String(v)))
    case 'datetime':
      return (v) => (v === null || v === '' ? null : sasDateTime(String(v)))
    default:
      return toNumber
  }
}

/**
 * Refuses, before the first byte, a run whose text V5 transport cannot hold: a value over 200 bytes, or a
 * character outside ASCII (the encoding this writer declares). With `truncate`, nothing is refused: such values
 * are cut at 200 bytes and made ASCII, as the caller asked.
 */
export function checkXpt(columns: readonly ExportColumn[], profile: Profile, truncate: boolean): void {
  if (truncate) return
  const errors = new ErrorList()
  columns.forEach((c, i) => {
    if (c.dataType !== 'string') return
    const bytes = profile.maxBytes[i] ?? 0
    if (bytes > XPT_MAX_CHAR)
      errors.add(
        'format',
        `column ${c.name} holds a value of ${bytes} bytes and SAS V5 transport holds at most ${XPT_MAX_CHAR}; ` +
          'choose another format, narrow the run, or add truncate=true to cut such values',
        'maxLength',
      )
    if (profile.nonAscii[i])
      errors.add(
        'format',
        `column ${c.name} holds characters outside ASCII, which this SAS V5 transport file cannot carry; ` +
          'choose another format (Dataset-JSON keeps them), or add truncate=true to replace them',
        'encoding',
      )
  })
  errors.throwIfAny()
}

/**
 * The variables of a run: names by `xptNames`, labels ≤ 40, numbers 8 bytes, text as long as its longest
 * value (at most 200), dates with E8601DA10. and date-times with E8601DT23.3.
 */
export function xptVariables(columns: readonly ExportColumn[]): XptVariable[] {
  const names = xptNames(columns.map((c) => c.name))
  return columns.map((c, i): XptVariable => {
    const base = { name: names[i] ?? c.name, label: c.label.slice(0, 40) }
    if (c.dataType === 'string') return { ...base, type: 'char', length: Math.min(XPT_MAX_CHAR, c.length) }
    if (c.dataType === 'date')
      return { ...base, type: 'num', length: 8, format: { name: 'E8601DA', width: 10, decimals: 0 } }
    if (c.dataType === 'datetime')
      return { ...base, type: 'num', length: 8, format: { name: 'E8601DT', width: 23, decimals: 3 } }
    return { ...base, type: 'num', length: 8 }
  })
}

/** A report as one SAS V5 transport member, observation batches as they come. */
export async function* xptChunks(
  table: Table,
  columns: readonly ExportColumn[],
  meta: { dataset: string; label: string; created: Date; truncate: boolean },
  progress: Progress,
): AsyncGenerator<Buffer> {
  const variables = xptVariables(columns)
  const convert = columns.map(converter)
  const observations = new XptObservations(variables, meta.truncate)
  yield xptHeader({ name: meta.dataset, label: meta.label, variables, created: meta.created })
  for await (const batch of counted(table, progress)) {
    const rows = batch.map((row) => row.map((v, i) => (convert[i] as (v: Cell) => XptValue)(v)))
    yield observations.encode(rows)
  }
  yield observations.end()
}
