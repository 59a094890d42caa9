import { STATUS_CODES } from 'node:http'
import type { FastifySchema, RouteOptions } from 'fastify'
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger'
import { ProblemSchema, STATUS_DESCRIPTIONS, TrackErrorSchema } from './schemas.js'
import { MEDIA_TYPES, toXml } from './content.js'
import type { MediaFormat, Surface } from './route-config.js'
import { exampleOf } from './openapi-examples.js'
import demoExamples from '../seed/openapi-examples.json' with { type: 'json' }

/**
 * Completes each OpenAPI operation from what its route declares (surface, role action, `produces`,
 * `consumes`, params, body), so the document says what the server actually does without a word per route:
 * every media type in and out, the error shape each surface really sends, every status the shared machinery
 * can answer, the `customerCode` header, and an example on every media type.
 */

/** Operation key under which `transform` leaves the route for `transformObject` (removed there). */
const ROUTE_KEY = 'x-td-route'
/** Examples of operations as the demo data answers them (`npm run openapi:examples` writes the file). */
const DEMO_EXAMPLES: Record<
  string,
  | {
      request?: unknown
      requestText?: Partial<Record<MediaFormat, string>>
      response?: unknown
      /** The answer's text by media type, where it is not JSON (XML, CSV, ODM, NDJSON). */
      responseText?: Record<string, string>
    }
  | undefined
> = demoExamples

/** A schema keyword a module may set: the XML text of the schema's example, shown on the XML media type. */
export const XML_EXAMPLE = 'x-xml-example'
/** A schema keyword for a file-like body (`format: binary`) that also comes as JSON: the schema of that JSON. */
export const JSON_FORM = 'x-json-form'

type Json = Record<string, unknown>
interface Media {
  schema?: unknown
  example?: unknown
  examples?: unknown
}
interface Response {
  description: string
  content?: Record<string, Media>
  headers?: unknown
}
interface Operation {
  parameters?: Json[]
  requestBody?: { required?: boolean; content: Record<string, Media>; description?: string }
  responses: Record<string, Response>
  security?: unknown[]
  [key: string]: unknown
}

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' }
const TRACK_ERROR_REF = { $ref: '#/components/schemas/TrackError' }
const TRACK_ERROR_XML = {
  type: 'string',
  contentMediaType: 'application/xml',
  description: 'The Track error as XML: <error><errorCode>…</errorCode><message>…</message></error>',
}

const BINARY: ReadonlySet<string> = new Set(['xlsx', 'xpt'])

/**
 * The schema of a body in `format` when the route's JSON schema is `schema`. XML is declared as text (with an
 * XML example where the route has one): an object schema beside an XML string example is what linters reject.
 */
function schemaFor(format: MediaFormat, schema: unknown): unknown {
  if (format === 'json' && schema !== undefined) {
    const form = (schema as Json)[JSON_FORM]
    if (form !== undefined) return form
    return schema
  }
  if (format === 'xml' && schema !== undefined && isStructured(schema)) {
    return {
      type: 'string',
      contentMediaType: 'application/xml',
      description:
        'The application/json representation written as XML: the same fields as elements, in the same order',
    }
  }
  return BINARY.has(format)
    ? { type: 'string', format: 'binary', contentMediaType: MEDIA_TYPES[format][0] }
    : { type: 'string', contentMediaType: MEDIA_TYPES[format][0] }
}

/** Every media type a body in these formats may carry (aliases too: `text/xml` is taken as `application/xml`). */
const requestTypes = (formats: readonly MediaFormat[]) => formats.flatMap((f) => MEDIA_TYPES[f])
/** The media type the server writes for each format. */
const responseTypes = (formats: readonly MediaFormat[]): [MediaFormat, string][] => {
  const seen = new Set<string>()
  const out: [MediaFormat, string][] = []
  for (const f of formats) {
    const type = MEDIA_TYPES[f][0]
    if (type !== undefined && !seen.has(type)) {
      seen.add(type)
      out.push([f, type])
    }
  }
  return out
}

function stripExample(schema: unknown): { schema: unknown; xml: string | undefined } {
  if (schema === null || typeof schema !== 'object' || !(XML_EXAMPLE in schema))
    return { schema, xml: undefined }
  const { [XML_EXAMPLE]: xml, ...rest } = schema as Json
  return { schema: rest, xml: typeof xml === 'string' ? xml : undefined }
}

/**
 * Builds one media object per format from the route's JSON media (schema and example), and the demo data's
 * JSON (`demo`) and text by media type (`demoText`) where the route has no example of its own.
 */
function mediaFor(
  formats: readonly [MediaFormat, string][],
  json: Media | undefined,
  route: RouteOptions,
  components: Json,
  demo?: unknown,
  demoText?: Record<string, string>,
): Record<string, Media> {
  const { schema, xml } = stripExample(json?.schema)
  const jsonSchema = schema === undefined ? undefined : schemaFor('json', schema)
  // The route's or schema's own example, else the demo data's (src/seed/openapi-examples.json), else one built.
  const jsonExample =
    (jsonSchema === schema ? json?.example : undefined) ??
    (jsonSchema === undefined
      ? undefined
      : hasOwnExample(jsonSchema, components)
        ? exampleOf(jsonSchema, components)
        : (demo ?? exampleOf(jsonSchema, components)))
  const content: Record<string, Media> = {}
  for (const [format, type] of formats) {
    const s = schemaFor(format, schema)
    const text = demoText?.[type]
    if (format === 'json' && schema !== undefined) {
      content[type] = { schema: s, ...(jsonExample !== undefined ? { example: jsonExample } : {}) }
    } else if (format === 'xml' && schema !== undefined && isStructured(schema)) {
      // The module's own XML text, else the demo's as served, else the JSON example in the route's XML writer.
      const example =
        xml ?? text ?? (route.config?.xml && jsonExample !== undefined ? toXml(jsonExample) : undefined)
      content[type] = { schema: s, ...(example !== undefined ? { example } : {}) }
    } else {
      // A text answer (CSV, ODM, NDJSON) as the demo served it; a binary one (Excel, XPT) has none.
      content[type] = { schema: s, ...(text !== undefined ? { example: text } : {}) }
    }
  }
  return content
}

function hasOwnExample(schema: unknown, components: Json): boolean {
  let s = schema as Json
  const ref = s.$ref
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/'))
    s = ((components.schemas as Json | undefined)?.[ref.slice('#/components/schemas/'.length)] ?? {}) as Json
  return Array.isArray(s.examples) || 'example' in s
}

function isStructured(schema: unknown): boolean {
  const s = schema as Json
  return s.type !== 'string' || s.format !== 'binary'
}

/** `method /path` of the operation, as `transform` left it. */
const keyOf = (op: Operation): string => {
  const key = op[ROUTE_KEY]
  return typeof key === 'string' ? key : ''
}

/** Whether the operation reads a body: it declares one, or it takes formats and its method has a body. */
function takesBody(route: RouteOptions, op: Operation): boolean {
  if (op.requestBody !== undefined) return true
  const method = keyOf(op).split(' ')[0] ?? ''
  return route.config?.consumes !== undefined && !['get', 'head', 'delete'].includes(method)
}

/** The error statuses the shared machinery can answer for this route, whatever its handler does. */
function machineryStatuses(route: RouteOptions, op: Operation, surface: Surface): number[] {
  const action = route.config?.action
  const statuses: number[] = []
  if (action !== undefined && action !== 'public') statuses.push(401, 403, 429)
  if (route.config?.produces !== undefined) statuses.push(406)
  // Any POST, PUT or PATCH may arrive with a body, declared or not, and the body parsers answer for it.
  const method = keyOf(op).split(' ')[0] ?? ''
  if (takesBody(route, op) || ['post', 'put', 'patch'].includes(method)) statuses.push(400, 413, 415)
  const validated = takesBody(route, op) || op.parameters?.some((p) => p.in !== 'header') === true
  if (validated) statuses.push(surface === 'cleartrial' ? 400 : 422)
  if (/\{[^}]+\}/.test(keyOf(op))) statuses.push(404)
  return statuses
}

const CUSTOMER_CODE = {
  name: 'customerCode',
  in: 'header',
  required: false,
  description:
    'The tenant (customer) whose account the Basic credentials name. Optional when the host name says it or only ' +
    'one tenant exists; a Bearer token knows its tenant (a customerCode that disagrees with it → 401).',
  schema: { type: 'string', maxLength: 64, examples: ['DEMO'] },
}

function successDescription(status: string, summary: unknown): string {
  const reason = STATUS_CODES[Number(status)] ?? 'Success'
  return typeof summary === 'string' ? `${reason}: ${summary}` : reason
}

/** Completes one operation in place. */
function completeOperation(op: Operation, route: RouteOptions, components: Json): void {
  const config = route.config ?? {}
  const surface: Surface = config.surface ?? 'native'
  const produces = config.produces ?? ['json']
  const consumes = config.consumes ?? ['json']

  if (config.action !== undefined && config.action !== 'public') {
    const params = (op.parameters ??= [])
    if (!params.some((p) => p.in === 'header' && String(p.name).toLowerCase() === 'customercode')) {
      params.push(CUSTOMER_CODE)
    }
  }

  if (takesBody(route, op)) {
    const json = op.requestBody?.content['application/json']
    const content: Record<string, Media> = {}
    const demo = DEMO_EXAMPLES[String(op.operationId)]
    for (const format of consumes) {
      const [media = {}] = Object.values(mediaFor([[format, format]], json, route, components, demo?.request))
      // A text body (NDJSON, CSV) has no JSON to write it from: the demo's own text, when it has one.
      const text = media.example === undefined ? demo?.requestText?.[format] : undefined
      for (const type of requestTypes([format]))
        content[type] = text === undefined ? media : { ...media, example: text }
    }
    op.requestBody = { ...(op.requestBody ?? {}), required: true, content }
  }

  const responses = op.responses
  for (const status of new Set(machineryStatuses(route, op, surface))) {
    if (!(status in responses)) responses[status] = { description: STATUS_DESCRIPTIONS[status] ?? 'Error' }
  }
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status)
    if (code >= 400) {
      response.description =
        response.description === 'Default Response'
          ? (STATUS_DESCRIPTIONS[code] ?? 'Error')
          : response.description
      response.content =
        surface === 'cleartrial'
          ? {
              'application/json': { schema: TRACK_ERROR_REF, example: trackError(code) },
              'application/xml': { schema: TRACK_ERROR_XML, example: toXml(trackError(code)) },
            }
          : { 'application/problem+json': { schema: PROBLEM_REF, example: problem(code, op) } }
      continue
    }
    const undeclared = response.description === 'Default Response' && response.content === undefined
    if (response.description === 'Default Response')
      response.description = successDescription(status, op.summary)
    // A route without a response schema still answers in its formats; its schema is then unconstrained.
    if (undeclared && code !== 204) response.content = { 'application/json': { schema: {} } }
    if (response.content === undefined) continue
    const demo = code < 300 ? DEMO_EXAMPLES[String(op.operationId)] : undefined
    response.content = mediaFor(
      responseTypes(produces),
      response.content['application/json'],
      route,
      components,
      demo?.response,
      demo?.responseText,
    )
  }
}

function trackError(status: number): unknown {
  return {
    error: { errorCode: STATUS_CODES[status] ?? 'Error', message: STATUS_DESCRIPTIONS[status] ?? 'Error' },
  }
}

function problem(status: number, op: Operation): unknown {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: STATUS_DESCRIPTIONS[status] ?? 'Error',
    instance: keyOf(op).split(' ')[1] ?? '/',
    requestId: '0f6c2a9e-4b1d-4d3a-9a57-3c2e1f0b7d21',
    ...(status === 422 || status === 400
      ? {
          errors: [
            { path: '/body/name', message: 'must NOT have fewer than 1 characters', rule: 'minLength' },
          ],
        }
      : {}),
  }
}

/** The two swagger hooks, sharing the routes seen by the first with the second. */
export function contractTransforms(): Required<
  Pick<FastifyDynamicSwaggerOptions, 'transform' | 'transformObject'>
> {
  const routes = new Map<string, RouteOptions>()
  return {
    transform: ({ schema, url, route }) => {
      const method = (Array.isArray(route.method) ? route.method.join(',') : route.method).toLowerCase()
      const key = `${method} ${url.replace(/:(\w+)/g, '{$1}')}`
      routes.set(key, route)
      return { schema: { ...(schema as FastifySchema | undefined), [ROUTE_KEY]: key } as FastifySchema, url }
    },
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject
      const openapiObject = documentObject.openapiObject as Json
      const components = ((openapiObject.components as Json | undefined) ??= {})
      const schemas = ((components.schemas as Json | undefined) ??= {})
      schemas.Problem = ProblemSchema
      schemas.TrackError = TrackErrorSchema
      const tags = new Set<string>()
      for (const item of Object.values(openapiObject.paths as Record<string, Record<string, Operation>>)) {
        for (const op of Object.values(item)) {
          for (const tag of (op.tags as string[] | undefined) ?? []) tags.add(tag)
          if (typeof op.description !== 'string' && typeof op.summary === 'string')
            op.description = op.summary
          const key = op[ROUTE_KEY]
          if (typeof key !== 'string') continue
          const route = routes.get(key)
          if (route) completeOperation(op, route, components)
          Reflect.deleteProperty(op, ROUTE_KEY)
        }
      }
      // The tags the operations use, each with its declared description (registerOpenApi's `tags`).
      const declared = new Map(
        ((openapiObject.tags as { name: string }[] | undefined) ?? []).map((t) => [t.name, t]),
      )
      openapiObject.tags = [...tags].sort().map((name) => declared.get(name) ?? { name })
      return openapiObject
    },
  }
}
