import type { FastifyInstance } from 'fastify'
import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'

const addFormats = addFormatsModule.default

const BASE: Options = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false }

/**
 * Request validation: bodies are checked exactly (a number sent as a string is an error, as the Partner API
 * requires); query strings, params and headers are text on the wire, so they are coerced to the declared types.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = new Ajv({ ...BASE, coerceTypes: false })
  const coercing = new Ajv({ ...BASE, coerceTypes: 'array' })
  for (const ajv of [strict, coercing]) addFormats(ajv)
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  )
}
