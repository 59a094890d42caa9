import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { XMLParser } from 'fast-xml-parser'
import { SyntaxValidator } from 'fast-xml-validator'
import { BadRequest, NotAcceptable, UnsupportedMediaType } from '../errors.js'
import type { MediaFormat, XmlOptions } from './route-config.js'
import { XmlScanner, type XmlLimits } from './xml-scan.js'
import { xmlDocument, type Value } from './xml.js'

export const MEDIA_TYPES: Record<MediaFormat, readonly string[]> = {
  json: ['application/json'],
  xml: ['application/xml', 'text/xml'],
  csv: ['text/csv'],
  ndjson: ['application/x-ndjson', 'application/ndjson'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  odm: ['application/vnd.cdisc.odm+xml', 'application/xml'],
  xpt: ['application/x-sas-xport'],
  'dataset-json': ['application/json'],
  'dataset-ndjson': ['application/x-ndjson', 'application/ndjson'],
}

interface AcceptRange {
  type: string
  subtype: string
  q: number
}

function parseAccept(header: string): AcceptRange[] {
  const ranges: AcceptRange[] = []
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.trim().split(';')
    const [type, subtype] = range.trim().toLowerCase().split('/')
    if (!type || !subtype) continue
    let q = 1
    for (const p of params) {
      const [k, v] = p.trim().split('=')
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v)
        q = Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 0
      }
    }
    ranges.push({ type, subtype, q })
  }
  return ranges
}

/** The q-value the Accept ranges give a media type, taking the most specific matching range (RFC 9110 §12.5.1). */
function qualityOf(ranges: AcceptRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/')
  let best = -1
  let specificity = -1
  for (const r of ranges) {
    const s =
      r.type === type && r.subtype === subtype
        ? 2
        : r.type === type && r.subtype === '*'
          ? 1
          : r.type === '*'
            ? 0
            : -1
    if (s > specificity) {
      specificity = s
      best = r.q
    }
  }
  return best < 0 ? 0 : best
}

/**
 * Picks the format to answer in; `undefined` when the client accepts none of them. Ties (no Accept, `*\/*`)
 * go to `preferred` — the format of the request's body, so XML in gets XML out — else to the first offered.
 */
export function negotiate(
  accept: string | undefined,
  offered: readonly MediaFormat[],
  preferred?: MediaFormat,
): MediaFormat | undefined {
  const order = preferred !== undefined && offered.includes(preferred) ? [preferred, ...offered] : offered
  if (accept === undefined || accept.trim() === '') return order[0]
  const ranges = parseAccept(accept)
  if (ranges.length === 0) return order[0]
  let chosen: MediaFormat | undefined
  let chosenQ = 0
  for (const format of order) {
    const q = Math.max(...MEDIA_TYPES[format].map((t) => qualityOf(ranges, t)))
    if (q > chosenQ) {
      chosen = format
      chosenQ = q
    }
  }
  return chosen
}

/** The format of the request's body, when it has one in a format we know. */
export function bodyFormatOf(request: FastifyRequest): MediaFormat | undefined {
  const format = formatOfContentType(request.headers['content-type'])
  return format === 'other' ? undefined : format
}

function formatOfContentType(contentType: string | undefined): MediaFormat | 'other' | undefined {
  if (contentType === undefined) return undefined
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? ''
  if (base === 'application/json' || base.endsWith('+json')) return 'json'
  if (base === 'application/xml' || base === 'text/xml' || base.endsWith('+xml')) return 'xml'
  if (base === 'text/csv') return 'csv'
  if (base === 'application/x-ndjson' || base === 'application/ndjson') return 'ndjson'
  return 'other'
}

/** Methods whose requests carry no body in this API. */
const BODILESS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE'])

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

/** A reply as XML: an object's members are the document's elements; an array or a value is `<list><item>…`. */
export function toXml(payload: unknown): string {
  const shaped =
    Array.isArray(payload) || typeof payload !== 'object' || payload === null
      ? { list: { item: payload } }
      : payload
  return xmlDocument(shaped as Record<string, Value>)
}

/**
 * Parses an XML request body safely: its size and shape bounded (`XmlScanner`), no DTD, no entity expansion;
 * empty elements become null. Request bodies arrive through `registerBodyParsers`, which scans them as they
 * stream in and then calls `buildXml`.
 */
export function parseXml(body: string, options: XmlOptions = {}, limits?: XmlLimits): unknown {
  new XmlScanner(limits).write(body)
  return buildXml(body, options)
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Whether a code point is a character XML 1.0 may carry (its production `Char`). */
function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  )
}

/**
 * XML's own escapes, decoded in one pass (so `&amp;lt;` is the text `&lt;`): the five named entities and numeric
 * character references, so `O&apos;Brien` is stored as O'Brien. Nothing else: no HTML names (`&nbsp;` is malformed), and no declared
 * entities, since the scanner refuses every DOCTYPE and ENTITY declaration before the parser runs. A reference to
 * a character XML cannot carry (`&#0;`) makes the document malformed.
 */
const XML_ESCAPES = {
  decode: (text: string): string =>
    text.replace(
      /&(?:([A-Za-z_][\w.-]*)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g,
      (ref, name?: string, dec?: string, hex?: string) => {
        if (name !== undefined) {
          const named = NAMED[name]
          if (named === undefined)
            throw new Error(`${ref} is not an XML entity: write the character, or &#…;`)
          return named
        }
        const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16)
        if (!isXmlChar(code)) throw new Error(`${ref} is not a character XML can carry`)
        return String.fromCodePoint(code)
      },
    ),
  reset: () => undefined,
  setXmlVersion: () => undefined,
  setExternalEntities: () => undefined,
  addInputEntities: () => undefined,
}

/** The object of a document already scanned (`XmlScanner`: within its limits, no DOCTYPE or ENTITY declaration). */
export function buildXml(body: string, options: XmlOptions = {}): unknown {
  try {
    SyntaxValidator.validate(body)
  } catch (err) {
    const e = err as { message?: string; line?: number; col?: number }
    throw new BadRequest(`Malformed XML at line ${e.line ?? '?'}, column ${e.col ?? '?'}: ${e.message ?? ''}`)
  }

  const arrays = new Set(options.arrays ?? [])
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    entityDecoder: XML_ESCAPES,
    parseTagValue: true,
    trimValues: true,
    numberParseOptions: { hex: false, leadingZeros: false, eNotation: true },
    isArray: (name) => arrays.has(name),
  })
  try {
    return emptyToNull(parser.parse(body))
  } catch (err) {
    throw new BadRequest(`Malformed XML: ${(err as Error).message.slice(0, 300)}`)
  }
}

function emptyToNull(value: unknown): unknown {
  if (value === '') return null
  if (Array.isArray(value)) return value.map(emptyToNull)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, emptyToNull(v)]))
  }
  return value
}

/** Serialises the reply in the negotiated format. */
function useFormat(request: FastifyRequest, reply: FastifyReply): void {
  if (request.format === 'xml') {
    reply.type('application/xml; charset=utf-8').serializer((payload) => toXml(payload))
  }
}

/**
 * Content negotiation for every route that declares what it produces/consumes: 406 when nothing in `Accept`
 * can be served, 415 when the body is in a format the route does not take (bodies: see body.ts).
 */
export function registerContentNegotiation(app: FastifyInstance): void {
  app.decorateRequest('format', 'json')
  app.removeContentTypeParser('text/plain')
  // A callback hook: it has nothing to wait for, and fastify passes on what it throws.
  app.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config
    if (config.produces === undefined) {
      done()
      return
    }
    // A DELETE (or GET) that says Content-Type but sends nothing has no body to parse: forget the header.
    if (BODILESS.has(request.method) && !hasBody(request)) delete request.headers['content-type']
    // Without Accept, a route that takes XML answers in its body's format; others keep their own default.
    const preferred = config.consumes?.includes('xml') === true ? bodyFormatOf(request) : undefined
    const format = negotiate(request.headers.accept, config.produces, preferred)
    if (format === undefined) {
      const offered = [...new Set(config.produces.flatMap((f) => MEDIA_TYPES[f]))].join(', ')
      throw new NotAcceptable(
        `Cannot answer in ${request.headers.accept ?? ''}; this resource offers ${offered}`,
      )
    }
    request.format = format
    useFormat(request, reply)
    if (hasBody(request)) {
      const consumes = config.consumes ?? ['json']
      const bodyFormat = formatOfContentType(request.headers['content-type'])
      if (bodyFormat === undefined || bodyFormat === 'other' || !consumes.includes(bodyFormat)) {
        const accepted = consumes.flatMap((f) => MEDIA_TYPES[f]).join(', ')
        throw new UnsupportedMediaType(
          `Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send ${accepted}`,
        )
      }
    }
    done()
  })
}
