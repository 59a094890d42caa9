import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { buildOpenApiDocument } from '../../scripts/openapi-document.js'
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

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
const JSON_TYPES = new Set(['application/json', 'application/problem+json'])

test('every JSON example in the OpenAPI document validates against its schema; the demo data’s are shown', async () => {
  const doc = (await buildOpenApiDocument()) as unknown as {
    paths: Record<string, Record<string, Operation>>
  }
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
  for (const [operationId, { request, response }] of Object.entries(
    demo as Record<string, { request?: unknown; response?: unknown }>,
  )) {
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
