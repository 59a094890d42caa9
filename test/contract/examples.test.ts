import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isDeepStrictEqual } from 'node:util'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { buildOpenApiDocument } from '../../scripts/openapi-document.js'
import { exampleOf } from '../../src/http/openapi-examples.js'
import demo from '../../src/seed/openapi-examples.json' with { type: 'json' }

const addFormats = addFormatsModule.default

interface Media {
  schema?: unknown
  example?: unknown
}
interface Operation {
  operationId?: string
  requestBody?: { content: Record<string, Media> }
  responses: Record<string, { content?: Record<string, Media> }>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown> }
}
const DEMO = demo as Record<string, { request?: unknown; response?: unknown } | undefined>

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
const JSON_TYPES = new Set(['application/json', 'application/problem+json'])

test('every JSON example in the OpenAPI document validates against its schema; the demo data’s are shown', async () => {
  const doc = (await buildOpenApiDocument()) as unknown as Document
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, allowUnionTypes: true })
  addFormats(ajv)
  ajv.addSchema(JSON.parse(JSON.stringify(doc)) as object, 'openapi.json')
  const problems: string[] = []
  const byId = new Map<string, Operation>()
  let checked = 0
  const check = (media: Record<string, Media> | undefined, ...at: string[]) => {
    for (const [type, m] of Object.entries(media ?? {})) {
      if (!JSON_TYPES.has(type) || m.example === undefined) continue
      const validate = ajv.compile({ $ref: `openapi.json#/${pointer(...at, 'content', type, 'schema')}` })
      checked++
      if (!validate(m.example)) problems.push(`${at.join(' ')} ${type}: ${ajv.errorsText(validate.errors)}`)
    }
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.operationId) byId.set(op.operationId, op)
      check(op.requestBody?.content, 'paths', path, method, 'requestBody')
      for (const [status, response] of Object.entries(op.responses))
        check(response.content, 'paths', path, method, 'responses', status)
    }
  }
  assert.deepEqual(problems, [])
  assert.ok(checked > 200, `${checked} examples checked`)
  for (const [operationId, { request, response } = {}] of Object.entries(DEMO)) {
    const op = byId.get(operationId)
    assert.ok(op, `${operationId} is an operation`)
    if (request !== undefined)
      assert.deepEqual(op.requestBody?.content['application/json']?.example, request, operationId)
    if (response !== undefined) {
      const ok = Object.entries(op.responses).find(([s]) => s.startsWith('2'))?.[1]
      assert.deepEqual(ok?.content?.['application/json']?.example, response, operationId)
    }
  }
})

/** What the example builder writes for a string where a schema has no example of its own. */
const PLACEHOLDERS = new Set(['string', 'text'])

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object'

/** Every string an enum or const of the schema allows, anywhere inside it ($refs followed). */
function allowedStrings(schema: unknown, schemas: Json, into = new Set<string>(), seen = new Set<unknown>()) {
  if (!isObject(schema) || seen.has(schema)) return into
  seen.add(schema)
  const ref = schema.$ref
  if (typeof ref === 'string') allowedStrings(schemas[ref.split('/').pop() ?? ''], schemas, into, seen)
  for (const v of [schema.const, ...(Array.isArray(schema.enum) ? (schema.enum as unknown[]) : [])])
    if (typeof v === 'string') into.add(v)
  for (const v of Object.values(schema)) {
    if (Array.isArray(v)) for (const x of v as unknown[]) allowedStrings(x, schemas, into, seen)
    else allowedStrings(v, schemas, into, seen)
  }
  return into
}

/** [JSON pointer, string] of every string in an example. */
function* stringsOf(value: unknown, at = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [at || '/', value]
  else if (isObject(value) || Array.isArray(value))
    for (const [k, v] of Object.entries(value)) yield* stringsOf(v, `${at}/${k}`)
}

test('every request body shows a real example — the demo data’s, sent to the server, or the module’s own — never a placeholder', async () => {
  const doc = (await buildOpenApiDocument()) as unknown as Document
  const schemas = doc.components.schemas
  const problems: string[] = []
  let bodies = 0
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.requestBody === undefined) continue
      bodies++
      const name = op.operationId ?? `${method} ${path}`
      for (const [type, media] of Object.entries(op.requestBody.content)) {
        if (media.example === undefined) {
          problems.push(`${name} ${type}: no example`)
          continue
        }
        if (!JSON_TYPES.has(type)) continue
        // The builder's value is a placeholder unless the capture sent that very body and the server took it.
        const built = isDeepStrictEqual(media.example, exampleOf(media.schema, doc.components))
        if (built && DEMO[name]?.request === undefined)
          problems.push(
            `${name} ${type}: built from the schema (add it to scripts/openapi-examples/writes.ts)`,
          )
        const allowed = allowedStrings(media.schema, schemas)
        for (const [at, s] of stringsOf(media.example))
          if (PLACEHOLDERS.has(s) && !allowed.has(s))
            problems.push(`${name} ${type}: placeholder "${s}" at ${at}`)
      }
    }
  }
  assert.deepEqual(problems, [])
  assert.ok(bodies > 40, `${bodies} request bodies checked`)
})
