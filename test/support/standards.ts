import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019.js'

/** The official CDISC files, copied from the standards bodies' repositories (see their README). */
export const STANDARDS = join(import.meta.dirname, '../fixtures/standards')
const DJ = join(STANDARDS, 'dataset-json-1.1')

type Schema = Record<string, unknown> & { $defs: Record<string, unknown> }

function readSchema(name: string): Schema {
  const bytes = readFileSync(join(DJ, name))
  // The NDJSON schema is published as UTF-16 LE with a byte-order mark.
  const text =
    bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString('utf16le') : bytes.toString()
  return JSON.parse(text) as Schema
}

let compiled: { json: ValidateFunction; ndjson: ValidateFunction } | undefined

/**
 * Validators from the official Dataset-JSON 1.1 schemas (JSON Schema 2019-09). The NDJSON schema refers to
 * `#/$defs/Column`, `#/$defs/DataTypesEnum` and `#/$defs/SourceSystem` but nests those definitions elsewhere
 * instead of under `$defs`; the JSON schema's definitions of the same names are added to it so it compiles.
 */
export function datasetJsonValidators(): { json: ValidateFunction; ndjson: ValidateFunction } {
  if (compiled) return compiled
  const json = readSchema('dataset.schema.json')
  const ndjson = readSchema('dataset-ndjson-schema.json')
  for (const name of ['Column', 'DataTypesEnum', 'SourceSystem']) ndjson.$defs[name] ??= json.$defs[name]
  const ajv = (): Ajv2019 => new Ajv2019({ strict: false, allErrors: true })
  compiled = { json: ajv().compile(json), ndjson: ajv().compile(ndjson) }
  return compiled
}

/** Whether Debian's xmllint (libxml2-utils) is installed. */
export function hasXmllint(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0
}

/** Validates an ODM document against the official ODM 1.3.2 XSD with xmllint; returns its complaints ('' if valid). */
export function odmSchemaErrors(xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trialdeck-odm-'))
  try {
    const file = join(dir, 'odm.xml')
    writeFileSync(file, xml)
    const schema = join(STANDARDS, 'odm-1.3.2', 'ODM1-3-2.xsd')
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { encoding: 'utf8' })
    return run.status === 0 ? '' : run.stderr
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Parses CSV as the reports write it (CR LF, `"` quoting) and undoes the formula neutralising prefix `'`. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? ''
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === delimiter) {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  const formula = /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/
  return rows.map((r) => r.map((v) => (formula.test(v) ? v.slice(1) : v)))
}
