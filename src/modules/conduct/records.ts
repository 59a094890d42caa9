import { StringDecoder } from 'node:string_decoder'

/** One record of a streamed body: its line number (from 1) and either its fields or why it could not be read. */
export type BodyRecord =
  | { line: number; row: Record<string, unknown>; error?: undefined }
  | { line: number; row?: undefined; error: string }

const MAX_LINE = 1024 * 1024

async function* textLines(body: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  for await (const chunk of body) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk)
    let start = 0
    let nl: number
    while ((nl = pending.indexOf('\n', start)) >= 0) {
      yield pending.slice(start, nl).replace(/\r$/, '')
      start = nl + 1
    }
    pending = pending.slice(start)
    if (pending.length > MAX_LINE) throw new RangeError(`a line is longer than ${MAX_LINE} bytes`)
  }
  pending += decoder.end()
  if (pending !== '') yield pending.replace(/\r$/, '')
}

/** NDJSON: one JSON object per line; blank lines are skipped. */
export async function* ndjsonRecords(body: AsyncIterable<Buffer | string>): AsyncGenerator<BodyRecord> {
  let line = 0
  for await (const text of textLines(body)) {
    line++
    if (text.trim() === '') continue
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      yield { line, error: `is not valid JSON: ${(err as Error).message}` }
      continue
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      yield { line, error: 'must be a JSON object' }
      continue
    }
    yield { line, row: parsed as Record<string, unknown> }
  }
}

/**
 * RFC 4180 CSV with a header line naming the columns: quoted fields may hold the delimiter, quotes ("") and line
 * breaks. `line` is where each record starts.
 */
export async function* csvRecords(body: AsyncIterable<Buffer | string>): AsyncGenerator<BodyRecord> {
  let header: string[] | undefined
  let fields: string[] = []
  let field = ''
  let quoted = false
  let afterQuote = false
  let line = 1
  let recordLine = 1
  let fieldStarted = false
  const decoder = new StringDecoder('utf8')
  function* endRecord(): Generator<BodyRecord> {
    fields.push(field)
    const record = fields
    fields = []
    field = ''
    fieldStarted = false
    afterQuote = false
    if (record.length === 1 && record[0] === '') return
    if (!header) {
      header = record.map((h) => h.trim())
      return
    }
    if (record.length !== header.length) {
      yield { line: recordLine, error: `has ${record.length} fields; the header has ${header.length}` }
      return
    }
    const row: Record<string, unknown> = {}
    header.forEach((name, i) => {
      row[name] = record[i]
    })
    yield { line: recordLine, row }
  }
  const consume = function* (text: string): Generator<BodyRecord> {
    for (const ch of text) {
      if (quoted) {
        if (ch === '"') {
          quoted = false
          afterQuote = true
        } else {
          if (ch === '\n') line++
          field += ch
        }
        continue
      }
      if (ch === '"') {
        if (afterQuote) {
          field += '"'
          quoted = true
          afterQuote = false
        } else if (!fieldStarted) {
          quoted = true
          fieldStarted = true
        } else field += ch
      } else if (ch === ',') {
        fields.push(field)
        field = ''
        fieldStarted = false
        afterQuote = false
      } else if (ch === '\n') {
        yield* endRecord()
        line++
        recordLine = line
      } else if (ch !== '\r') {
        field += ch
        fieldStarted = true
        if (field.length > MAX_LINE) throw new RangeError(`a field is longer than ${MAX_LINE} bytes`)
      }
    }
  }
  for await (const chunk of body) {
    yield* consume(typeof chunk === 'string' ? chunk : decoder.write(chunk))
  }
  yield* consume(decoder.end())
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set inside consume()
  if (quoted) yield { line: recordLine, error: 'has a quoted field that never ends' }
  else if (field !== '' || fields.length > 0) yield* endRecord()
}
