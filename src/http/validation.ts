import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { ErrorList, ValidationFailed } from '../errors.js'
import { toDomainError } from './errors.js'

const addFormats = addFormatsModule.default

const BASE: Options = { allErrors: true, strict: false, useDefaults: true, removeAdditional: false }

type Schema = Record<string, unknown>

function typesOf(schema: Schema): string[] {
  const t = schema.type
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : []
}

/**
 * Where a request schema declares a number without both bounds; `[]` when every one is bounded. Bounds are the
 * rule for numbers at the edge (ids 1 … 2^31−1, counts and money what the domain allows): see http/schemas.ts.
 */
function unboundedNumbers(schema: unknown, path = ''): string[] {
  if (schema === null || typeof schema !== 'object') return []
  const s = schema as Schema
  const found: string[] = []
  const numeric = typesOf(s).some((t) => t === 'integer' || t === 'number')
  if (numeric && s.enum === undefined && s.const === undefined) {
    const low = s.minimum !== undefined || s.exclusiveMinimum !== undefined
    const high = s.maximum !== undefined || s.exclusiveMaximum !== undefined
    if (!low || !high) found.push(path || '/')
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    const list = s[key]
    if (Array.isArray(list))
      list.forEach((sub, i) => found.push(...unboundedNumbers(sub, `${path}/${key}/${i}`)))
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    found.push(...unboundedNumbers(s[key], `${path}/${key}`))
  }
  for (const key of ['properties', 'patternProperties']) {
    const props = s[key]
    if (props !== null && typeof props === 'object') {
      for (const [name, sub] of Object.entries(props)) found.push(...unboundedNumbers(sub, `${path}/${name}`))
    }
  }
  return found
}

/** Top-level properties of a parameter schema that are integers (alone, in a union, or nullable). */
function integerProperties(schema: Schema): string[] {
  const props = (schema.properties ?? {}) as Record<string, Schema>
  const isInteger = (s: Schema): boolean =>
    typesOf(s).includes('integer') ||
    (Array.isArray(s.anyOf) && (s.anyOf as Schema[]).some(isInteger)) ||
    (s.items !== undefined && typeof s.items === 'object' && isInteger(s.items as Schema))
  return Object.entries(props)
    .filter(([, s]) => isInteger(s))
    .map(([name]) => name)
}

const DECIMAL = /^-?[0-9]+$/

/**
 * Text parameters (path, query string, headers) are coerced to their declared types, but an integer must be
 * written in decimal digits: Ajv alone would read `0x10` as 16, ` 1` (`%201`) as 1 and `1e1` as 10.
 */
function strictDecimals(schema: Schema, check: ValidateFunction): ValidateFunction {
  const names = integerProperties(schema)
  if (names.length === 0) return check
  const validate = ((data: unknown) => {
    const errors: ErrorObject[] = []
    if (data !== null && typeof data === 'object') {
      for (const name of names) {
        const raw = (data as Record<string, unknown>)[name]
        const values = Array.isArray(raw) ? (raw as unknown[]) : [raw]
        if (values.some((v) => typeof v === 'string' && !DECIMAL.test(v))) {
          errors.push({
            instancePath: `/${name}`,
            schemaPath: `#/properties/${name}/type`,
            keyword: 'type',
            params: { type: 'integer' },
            message: 'must be a whole number written in decimal digits',
          })
        }
      }
    }
    // The schema's own errors too (other parameters, other rules), but one error per parameter flagged here.
    const ok = check(data)
    const flagged = new Set(errors.map((e) => e.instancePath))
    const rest = (check.errors ?? []).filter((e) => !flagged.has(e.instancePath))
    validate.errors = [...errors, ...rest]
    return ok && errors.length === 0
  }) as ValidateFunction
  return validate
}

/**
 * Request validation: bodies are checked exactly (a number sent as a string is an error, as the Partner API
 * requires); query strings, params and headers are text on the wire, so they are coerced to the declared types
 * (integers only from decimal digits). A request schema with an unbounded number stops the server at start-up.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = new Ajv({ ...BASE, coerceTypes: false })
  const coercing = new Ajv({ ...BASE, coerceTypes: 'array' })
  for (const ajv of [strict, coercing]) addFormats(ajv)
  app.setValidatorCompiler(({ schema, httpPart, method, url }) => {
    const unbounded = unboundedNumbers(schema)
    if (unbounded.length > 0) {
      throw new Error(
        `${method} ${url}: ${httpPart ?? 'request'} declares numbers without bounds at ${unbounded.join(', ')}; ` +
          'use Id, Count, Int or Amount from src/http/schemas.ts',
      )
    }
    if (httpPart === 'body') return strict.compile(schema as object)
    return strictDecimals(schema as Schema, coercing.compile(schema as object))
  })
}

/**
 * For a route that answers every problem of a request in one 422, schema and domain alike (declare it with
 * `attachValidation: true`): the schema's errors as an ErrorList for the domain checks to add to, and the parts
 * of the body that passed the schema, for those checks to run on. A top-level property an error points into is
 * left out; in a top-level array only the elements with errors are (as `undefined`, so indexes and paths stay). The
 * domain checks see `errors.has(path)` to stay quiet about what the schema already named. When the body is not
 * an object, or the failure is not the body's schema, it is thrown as it is: there is nothing further to check.
 */
export function bodyChecks<T extends object>(
  request: FastifyRequest,
): { body: Partial<T>; errors: ErrorList } {
  const invalid = request.validationError
  const body = request.body
  if (!invalid) return { body: body as T, errors: new ErrorList() }
  const failed = toDomainError(invalid)
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body)
  // Past the listing cap some invalid parts are unnamed, so could not be left out; the list is full anyway.
  if (!(failed instanceof ValidationFailed) || failed.omitted > 0) throw invalid
  if (invalid.validationContext !== 'body' || !isObject) throw invalid
  const dropped = new Set<string>()
  const blanked = new Map<string, Set<number>>()
  for (const e of failed.errors) {
    const [pointer, index] = e.path.split('/').slice(2)
    if (pointer === undefined || pointer === '') throw invalid
    const top = pointer.replaceAll('~1', '/').replaceAll('~0', '~')
    const value = (body as Record<string, unknown>)[top]
    if (Array.isArray(value) && index !== undefined && /^[0-9]+$/.test(index)) {
      blanked.set(top, (blanked.get(top) ?? new Set()).add(Number(index)))
    } else dropped.add(top)
  }
  const kept = Object.fromEntries(
    Object.entries(body as Record<string, unknown>)
      .filter(([key]) => !dropped.has(key))
      .map(([key, value]) => {
        const gone = blanked.get(key)
        return [key, gone ? (value as unknown[]).map((v, i) => (gone.has(i) ? undefined : v)) : value]
      }),
  )
  return { body: kept as Partial<T>, errors: ErrorList.from(failed) }
}
