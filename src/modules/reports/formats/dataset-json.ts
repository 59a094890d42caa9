import type { ExportColumn } from './columns.js'
import { rendered, type Progress } from './tabular.js'
import type { Cell, Table } from '../producers/conduct.js'

export const DATASET_JSON_VERSION = '1.1.0'

export interface DatasetMeta {
  dataset: string
  label: string
  study: string
  report: string
  records: number
  created: Date
  version: string
}

/** The top-level metadata of Dataset-JSON 1.1 (everything but `rows`). */
export function datasetMetadata(
  meta: DatasetMeta,
  columns: readonly ExportColumn[],
): Record<string, unknown> {
  const created = meta.created.toISOString()
  return {
    datasetJSONCreationDateTime: created,
    datasetJSONVersion: DATASET_JSON_VERSION,
    fileOID: `trialdeck/${meta.report}/${meta.study}/${created}`,
    originator: 'Trialdeck',
    sourceSystem: { name: 'Trialdeck', version: meta.version },
    studyOID: meta.study,
    itemGroupOID: `IG.${meta.dataset}`,
    records: meta.records,
    name: meta.dataset,
    label: meta.label,
    columns: columns.map((c) => ({
      itemOID: `IT.${meta.dataset}.${c.name}`,
      name: c.name,
      label: c.label,
      dataType: c.dataType,
      ...(c.dataType === 'string' ? { length: c.length } : {}),
      ...(c.keySequence !== undefined ? { keySequence: c.keySequence } : {}),
    })),
  }
}

/**
 * A cell as Dataset-JSON 1.1 writes its type: text as strings, integers and doubles as JSON numbers, decimals
 * as strings (exact, as the standard asks), dates and date-times as ISO 8601 strings; a missing value is null.
 */
function converter(c: ExportColumn): (v: Cell) => Cell {
  switch (c.dataType) {
    case 'integer':
    case 'double':
      return (v) => (typeof v === 'string' ? (v.trim() === '' ? null : Number(v)) : v)
    default:
      return (v) => (v === null ? null : String(v))
  }
}

function rowRenderer(columns: readonly ExportColumn[]): (row: Cell[]) => string {
  const convert = columns.map(converter)
  return (row) => JSON.stringify(row.map((v, i) => (convert[i] as (v: Cell) => Cell)(v)))
}

/** Dataset-JSON: the metadata, then `rows` as arrays, streamed; `records` was counted before the first row. */
export async function* datasetJsonChunks(
  table: Table,
  columns: readonly ExportColumn[],
  meta: DatasetMeta,
  progress: Progress,
): AsyncGenerator<string> {
  const head = JSON.stringify(datasetMetadata(meta, columns))
  yield `${head.slice(0, -1)},"rows":[`
  const render = rowRenderer(columns)
  let first = true
  yield* rendered(table, progress, (row) => {
    const out = `${first ? '\n' : ',\n'}${render(row)}`
    first = false
    return out
  })
  yield '\n]}\n'
}

/** Dataset-NDJSON: the metadata on the first line, then one row (an array) per line. */
export async function* datasetNdjsonChunks(
  table: Table,
  columns: readonly ExportColumn[],
  meta: DatasetMeta,
  progress: Progress,
): AsyncGenerator<string> {
  yield `${JSON.stringify(datasetMetadata(meta, columns))}\n`
  const render = rowRenderer(columns)
  yield* rendered(table, progress, (row) => `${render(row)}\n`)
}
