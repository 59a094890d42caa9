/**
 * Response conformance, on for every app the test suite builds: each response's status and media type must be
 * declared for its operation in the app's own OpenAPI document, and a JSON body must validate against the
 * declared schema. Violations are collected and fail `app.close()`, so the suite that made them fails.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import type { App } from '../../src/app.js'

const addFormats = addFormatsModule.default

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}
type Document = { paths: Record<string, Record<string, Operation | undefined> | undefined> }

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** Installs the check on an app that is built but not yet ready. */
export function checkConformance(app: App): void {
  const violations: string[] = []
  let ajv: Ajv2020 | undefined
  let doc: Document | undefined
  const validators = new Map<string, ValidateFunction>()

  const validatorFor = (path: string, method: string, status: string, type: string): ValidateFunction => {
    const ref = `openapi.json#/${pointer('paths', path, method, 'responses', status, 'content', type, 'schema')}`
    let validate = validators.get(ref)
    if (!validate) {
      validate = (ajv as Ajv2020).compile({ $ref: ref })
      validators.set(ref, validate)
    }
    return validate
  }

  const check = (request: FastifyRequest, reply: FastifyReply, payload: unknown): void => {
    const url = request.routeOptions.url
    if (url === undefined || request.routeOptions.schema?.hide === true) return
    if (!doc) {
      doc = app.swagger() as unknown as Document
      ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, allowUnionTypes: true })
      addFormats(ajv)
      ajv.addSchema(JSON.parse(JSON.stringify(doc)) as object, 'openapi.json')
    }
    const path = url.replace(/:(\w+)/g, '{$1}')
    const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase()
    const operation = doc.paths[path]?.[method]
    if (!operation) return // a route the document does not show (e.g. /docs)
    const where = `${request.method} ${url} → ${reply.statusCode}`
    const status = String(reply.statusCode)
    const declared = operation.responses?.[status] ?? operation.responses?.[`${status[0] ?? ''}XX`]
    if (!declared) {
      violations.push(`${where}: status not declared`)
      return
    }
    const contentType = String(reply.getHeader('content-type') ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase()
    // 204 and 304 never carry a body (Node drops one), whatever Content-Type was set.
    const noBody =
      payload === undefined || payload === null || payload === '' || [204, 304].includes(reply.statusCode)
    if (!contentType || noBody) {
      if (declared.content && Object.keys(declared.content).length > 0 && !noBody) {
        violations.push(`${where}: no Content-Type, but ${Object.keys(declared.content).join(', ')} declared`)
      }
      return
    }
    const media = declared.content?.[contentType]
    if (!media) {
      const offered = Object.keys(declared.content ?? {}).join(', ') || 'no body'
      violations.push(`${where}: ${contentType} not declared (declared: ${offered})`)
      return
    }
    const isJson = contentType === 'application/json' || contentType.endsWith('+json')
    if (!isJson || reply.getHeader('content-encoding') !== undefined) return
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return // a stream: its bytes are not here
    let body: unknown
    try {
      body = JSON.parse(payload.toString()) as unknown
    } catch {
      violations.push(`${where}: ${contentType} body is not JSON`)
      return
    }
    const validate = validatorFor(path, method, status, contentType)
    if (!validate(body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 3)
        .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      violations.push(`${where}: body does not match the declared schema: ${errors.join('; ')}`)
    }
  }

  app.addHook('onSend', async (request, reply, payload) => {
    try {
      check(request, reply, payload)
    } catch (err) {
      violations.push(`${request.method} ${request.url}: conformance check failed: ${String(err)}`)
    }
    return payload
  })
  app.addHook('onClose', async () => {
    if (violations.length > 0) {
      const unique = [...new Set(violations)]
      throw new Error(`responses that the OpenAPI document does not declare:\n  ${unique.join('\n  ')}`)
    }
  })
}
