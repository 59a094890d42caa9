import { once } from 'node:events'
import { PassThrough, Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { ReportFormat } from '../catalogue.js'
import type { DataType } from './columns.js'
import type { Cell, Table } from '../producers/conduct.js'
import { escapeXml, XML_DECLARATION } from '../../../http/xml.js'

export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  odm: 'application/vnd.cdisc.odm+xml; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xpt: 'application/x-sas-xport',
  'dataset-json': 'application/json; charset=utf-8',
  'dataset-ndjson': 'application/x-ndjson; charset=utf-8',
}
export const REPORT_EXTENSIONS: Record<ReportFormat, string> = {
  csv: 'csv',
  json: 'json',
  xml: 'xml',
  odm: 'odm.xml',
  xlsx: 'xlsx',
  xpt: 'xpt',
  'dataset-json': 'json',
  'dataset-ndjson': 'ndjson',
}

/** Counts what went out; `done` says whether the whole output was produced. */
export interface Progress {
  rows: number
  onBatch?: (rows: number) => void
}

export async function* counted(table: Table, progress: Progress): AsyncGenerator<Cell[][]> {
  for await (const batch of table.batches) {
    progress.rows += batch.length
    progress.onBatch?.(progress.rows)
    yield batch
  }
}

// A leading character that makes a spreadsheet run the cell as a formula (OWASP "CSV injection"), with the
// full-width forms Apple Numbers normalises.
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20'])

/**
 * One record as csv-stringify writes it with
 * `{ delimiter, escape_formulas: true, record_delimiter: '\r\n', quoted_match: /[\r\n]/ }`
 * (formats.test.ts holds the two together; the report bench compares whole files): null and '' are empty, numbers
 * are written as they are, text is prefixed with `'` when it starts like a formula and quoted when it holds the
 * delimiter, a quote or a line break (CR or LF alone too: csv-stringify given a record delimiter quotes only CR LF
 * by itself, and a lone LF would split the row in most readers).
 *
 * Written out because csv-stringify allocates several short-lived objects per field (a cast context, [err, value]
 * and [value, field] pairs): at a million rows V8 scavenged every ~15 ms, found whole batches alive each time and
 * began allocating rows straight into the old generation (allocation-site pretenuring), which only a full
 * collection empties; the heap reached ~200 MB. This allocates a third as much and V8 pretenures nothing.
 */
export function csvRecord(row: readonly Cell[], delimiter: string): string {
  let out = ''
  for (let i = 0; i < row.length; i++) {
    if (i > 0) out += delimiter
    const v = row[i]
    if (typeof v === 'number') out += String(v)
    else if (typeof v === 'string' && v !== '') {
      const quote = v.includes('"')
      const enclose = quote || v.includes(delimiter) || v.includes('\n') || v.includes('\r')
      let text = FORMULA_START.has(v.charAt(0)) ? `'${v}` : v
      if (quote) text = text.replaceAll('"', '""')
      out += enclose ? `"${text}"` : text
    }
  }
  return `${out}\r\n`
}

/**
 * Text is handed on in pieces of about this many characters (64 KB at most, as V8 stores text). A string over
 * 128 KB is a "large object", which V8 moves to the old generation the first time a scavenge finds it alive, so
 * only a full collection frees it: 500 rows of JSON or XML made such strings, and the server's memory grew by
 * ~10 MB over a million rows.
 */
const CHUNK_CHARS = 32 * 1024

/**
 * Every row of the table rendered by `render`, handed on in pieces of about CHUNK_CHARS and at the end of each
 * batch (so a slow read never holds back what is ready).
 */
export async function* rendered(
  table: Table,
  progress: Progress,
  render: (row: Cell[]) => string,
): AsyncGenerator<string> {
  for await (const batch of counted(table, progress)) {
    let out = ''
    for (const row of batch) {
      out += render(row)
      if (out.length >= CHUNK_CHARS) {
        yield out
        out = ''
      }
    }
    if (out !== '') yield out
  }
}

/** CSV with a header line; cells that a spreadsheet would run as formulas are neutralised. */
export async function* csvChunks(
  table: Table,
  delimiter: string,
  progress: Progress,
): AsyncGenerator<string> {
  yield csvRecord(table.columns, delimiter)
  yield* rendered(table, progress, (row) => csvRecord(row, delimiter))
}

/** A JSON array of objects keyed by column name. */
export async function* jsonChunks(table: Table, progress: Progress): AsyncGenerator<string> {
  const keys = table.columns.map((c) => JSON.stringify(c))
  let first = true
  yield '['
  yield* rendered(table, progress, (row) => {
    let out = first ? '\n{' : ',\n{'
    first = false
    for (let i = 0; i < keys.length; i++) {
      out += `${i === 0 ? '' : ','}${keys[i] ?? ''}:${JSON.stringify(row[i] ?? null)}`
    }
    return `${out}}`
  })
  yield '\n]\n'
}

/** <report name="…" study="…"><row><COLUMN>value</COLUMN>…</row>…</report> */
export async function* xmlChunks(
  table: Table,
  meta: { report: string; study: string },
  progress: Progress,
): AsyncGenerator<string> {
  const columns = table.columns
  const open = columns.map((c) => `<${c}>`)
  const close = columns.map((c) => `</${c}>`)
  const empty = columns.map((c) => `<${c}/>`)
  yield `${XML_DECLARATION}\n<report name="${escapeXml(meta.report)}" study="${escapeXml(meta.study)}">\n`
  yield* rendered(table, progress, (row) => {
    let out = '<row>'
    for (let i = 0; i < columns.length; i++) {
      const v = row[i]
      out +=
        v === null || v === undefined
          ? (empty[i] ?? '')
          : `${open[i] ?? ''}${escapeXml(String(v))}${close[i] ?? ''}`
    }
    return `${out}</row>\n`
  })
  yield '</report>\n'
}

/** Text chunks → a byte stream that pulls the next chunk only when the last one has been taken (backpressure). */
export function streamOf(chunks: AsyncGenerator<string | Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false, highWaterMark: 64 * 1024 })
}

interface StreamState {
  length?: number
}
/**
 * Bytes of sheet XML waiting for the zip compressor. exceljs's StreamBuf ignores backpressure, so without this a
 * producer faster than deflate buffers the whole sheet; its (readable-stream) pipe's buffers tell how far behind.
 */
function zipBacklog(sheet: unknown): number {
  const pipe = (
    sheet as { stream?: { pipes?: { _writableState?: StreamState; _readableState?: StreamState }[] } }
  ).stream?.pipes?.[0]
  return (pipe?._writableState?.length ?? 0) + (pipe?._readableState?.length ?? 0)
}

/** Excel number formats per column type; text and integers keep the General format. */
const XLSX_FORMATS: Partial<Record<DataType, string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss.000',
  decimal: '0.0##############',
}

/** Text that is a plain decimal number of at most 15 significant digits, so Excel holds it exactly. */
const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/

type XlsxCell = Cell | Date

/**
 * How a cell of each type goes into a sheet: dates and date-times as Excel dates (UTC), numbers as numbers;
 * text stays text, except in a column that holds values of any type (VALUE), where a plain number becomes one.
 */
function xlsxConverter(type: DataType, mixed: boolean): (v: Cell) => XlsxCell {
  switch (type) {
    case 'date':
      return (v) => (typeof v === 'string' && v !== '' ? new Date(`${v.slice(0, 10)}T00:00:00Z`) : v)
    case 'datetime':
      return (v) => (typeof v === 'string' && v !== '' ? new Date(v) : v)
    case 'integer':
    case 'decimal':
    case 'double':
      return (v) => (typeof v === 'string' && PLAIN_NUMBER.test(v) ? Number(v) : v)
    default:
      return mixed
        ? (v) =>
            typeof v === 'string' &&
            PLAIN_NUMBER.test(v) &&
            v.replace(/\D/g, '').replace(/^0+/, '').length <= 15
              ? Number(v)
              : v
        : (v) => v
  }
}

/**
 * An Excel workbook written by exceljs's streaming WorkbookWriter: rows are committed as they come and the zip
 * is streamed out; production waits whenever the reader falls behind. Cells are typed by `types` (one per
 * column), with a date or number format on the columns that need one.
 */
export function xlsxStream(
  table: Table,
  sheetName: string,
  progress: Progress,
  types: readonly { dataType: DataType; mixed?: boolean }[] = [],
): { stream: Readable; done: Promise<void> } {
  const out = new PassThrough({ highWaterMark: 256 * 1024 })
  const done = (async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    })
    const sheet = workbook.addWorksheet(sheetName.slice(0, 31))
    sheet.addRow(table.columns).commit()
    const convert = table.columns.map((_, i) => {
      const t = types[i] ?? { dataType: 'string' }
      const numFmt = XLSX_FORMATS[t.dataType]
      // Set after the header row, so only the data cells take the column's format.
      if (numFmt) sheet.getColumn(i + 1).numFmt = numFmt
      return xlsxConverter(t.dataType, t.mixed ?? false)
    })
    for await (const batch of counted(table, progress)) {
      for (const row of batch)
        sheet.addRow(row.map((v, i) => (convert[i] as (v: Cell) => XlsxCell)(v))).commit()
      const gone = (): boolean => out.destroyed
      if (gone()) throw new Error('the reader went away')
      while (zipBacklog(sheet) > 1024 * 1024) {
        await new Promise((resolve) => setTimeout(resolve, 2))
        if (gone()) throw new Error('the reader went away')
      }
      while (out.writableNeedDrain) {
        await Promise.race([once(out, 'drain'), once(out, 'close')])
        if (gone()) throw new Error('the reader went away')
      }
    }
    sheet.commit()
    await workbook.commit()
  })()
  done.catch((err: unknown) => {
    out.destroy(err as Error)
  })
  return { stream: out, done }
}
