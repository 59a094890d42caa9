import type { ReportInfo, ReportParameter, RunInput } from './hooks'

/**
 * A report's parameters as form values and as an address: the form keeps its values in the query string (lists
 * comma-separated), so `/reports/transfer?studyId=3&format=xlsx` opens the form filled in, and can be shared.
 */
export type Values = URLSearchParams

/** Parameters that are not plain fields: the report is the page; the study is picked by id, first. */
const NOT_FIELDS = new Set(['reportName', 'studyName', 'studyId'])
/** Parameters that only mean something in one format. */
const ONLY_IN: Record<string, string> = { delimiter: 'csv', truncate: 'xpt' }

export function fieldsOf(report: ReportInfo, format: string): ReportParameter[] {
  return report.parameters.filter(
    (p) => !NOT_FIELDS.has(p.name) && (ONLY_IN[p.name] === undefined || ONLY_IN[p.name] === format),
  )
}

/** "dateFrom" → "Date from", "usubjidParts" → "USUBJID parts", "includeSiteId" → "Include site ID". */
export function labelOf(name: string): string {
  if (name === 'studyId') return 'Study'
  const words = name.split(/(?=[A-Z])/).map((w) => w.toLowerCase())
  const text = words.map((w) => (w === 'id' ? 'ID' : w === 'usubjid' ? 'USUBJID' : w)).join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export const FORMAT_LABELS: Record<string, string> = {
  csv: 'CSV',
  json: 'JSON',
  xml: 'XML',
  odm: 'CDISC ODM 1.3.2',
  xlsx: 'Excel (xlsx)',
  xpt: 'SAS transport (XPT v5)',
  'dataset-json': 'Dataset-JSON 1.1',
  'dataset-ndjson': 'Dataset-JSON 1.1 (NDJSON)',
}
export const VALUE_LABELS: Record<string, string> = {
  ',': 'Comma (,)',
  ';': 'Semicolon (;)',
  '|': 'Pipe (|)',
  tab: 'Tab',
}

export const listOf = (v: string | null): string[] =>
  v === null
    ? []
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

/** The run's body: each field the form shows and the user set, typed as the report's definition says. */
export function runInputOf(report: ReportInfo, values: Values): RunInput {
  const format = values.get('format') ?? 'csv'
  const body: Record<string, unknown> = { reportName: report.name }
  for (const p of [report.parameters.find((x) => x.name === 'studyId'), ...fieldsOf(report, format)]) {
    if (!p) continue
    const raw = values.get(p.name)
    if (raw === null || raw === '') continue
    if (p.type === 'integer') body[p.name] = Number(raw)
    else if (p.type === 'boolean') body[p.name] = raw === 'true'
    else if (p.type === 'list') body[p.name] = listOf(raw)
    else body[p.name] = raw
  }
  return body as RunInput
}

/** The form's address for a job's parameters ("Run again"), in the shape the form writes. */
export function searchOf(parameters: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [name, v] of Object.entries(parameters)) {
    if (name === 'reportName' || v === undefined || v === null) continue
    if (name === 'delimiter' && v === '\t') q.set(name, 'tab')
    else if (Array.isArray(v)) q.set(name, v.join(','))
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') q.set(name, String(v))
  }
  return q.toString()
}
