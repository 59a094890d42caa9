import { Type, type Static, type TNumberOptions, type TSchema, type TSchemaOptions } from 'typebox'

/** The largest id any table holds (a 32-bit signed integer column on PostgreSQL). */
export const INT32_MAX = 2 ** 31 - 1
/** Money and measures: well inside a double's exact integers, so nothing is rounded on the way in. */
export const MAX_AMOUNT = 1e15

/**
 * The integers and numbers every schema uses: each one has bounds, so no value outside a column's range (or
 * Infinity) reaches a service. `registerValidation` refuses, at start-up, a request schema with an unbounded one.
 */
export const Id = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 1, maximum: INT32_MAX, ...options })
/** An id where 0 means "all" (Track's locations and major tasks). */
export const IdOrZero = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: INT32_MAX, ...options })
/** A count or size: 0 … 2^31−1 unless the domain says less. */
export const Count = (options: TNumberOptions = {}) =>
  Type.Integer({ minimum: 0, maximum: INT32_MAX, ...options })
/** A whole number within [minimum, maximum]. */
export const Int = (minimum: number, maximum: number, options: TNumberOptions = {}) =>
  Type.Integer({ minimum, maximum, ...options })
/** A money amount or measure: finite and within ±MAX_AMOUNT unless the domain says less. */
export const Amount = (options: TNumberOptions = {}) =>
  Type.Number({ minimum: -MAX_AMOUNT, maximum: MAX_AMOUNT, ...options })

/**
 * `T` or null, as one JSON-schema type list (`["string","null"]`, or `null` added to an enum) rather than an anyOf,
 * so a wrong value gets one clear error instead of one per branch; an anyOf only where the schema has no single
 * type. `options` (a description, …) go on the whole.
 */
export function Nullable<T extends TSchema>(t: T, options: TSchemaOptions = {}) {
  const s = t as unknown as Record<string, unknown>
  if (typeof s.type === 'string')
    return Type.Unsafe<Static<T> | null>({ ...s, ...options, type: [s.type, 'null'] })
  if (Array.isArray(s.enum))
    return Type.Unsafe<Static<T> | null>({ ...s, ...options, enum: [...(s.enum as unknown[]), null] })
  return Type.Union([t, Type.Null()], options)
}

const FieldErrorSchema = Type.Object(
  {
    path: Type.String({ description: 'Where: a JSON pointer into the request, or a parameter name' }),
    message: Type.String(),
    rule: Type.String({
      description: 'The rule that failed: required, range, date, type, unknown, duplicate, …',
    }),
  },
  { $id: undefined },
)

/** RFC 9457 problem details, with every validation error listed. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Int(400, 599),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { maxItems: 100, description: 'At most 100 listed' })),
    omittedErrors: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: INT32_MAX,
        description: 'How many more errors were found but not listed',
      }),
    ),
  },
  { description: 'An RFC 9457 problem (application/problem+json)' },
)

/** The Track surface's error body. */
export const TrackErrorSchema = Type.Object(
  {
    error: Type.Object({ errorCode: Type.String(), message: Type.String() }),
  },
  { description: 'A Track API error' },
)

/** What each error status means, wherever it is declared. */
export const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request',
  401: 'Not authenticated',
  403: 'Authenticated, but a role action is missing',
  404: 'Not found (or not in your tenant)',
  406: 'None of the Accept media types can be produced',
  409: 'Conflict',
  412: 'If-Match does not match the current ETag',
  413: 'Body too large',
  410: 'Gone: it existed but has expired',
  415: 'Unsupported Content-Type',
  422: 'Validation failed; every error is listed',
  429: 'Too many requests; Retry-After says when to try again',
  503: 'Unavailable (shutting down, or a dependency is down)',
}

/** Declared error responses for a route, in the surface's own shape. */
export function errorResponses(
  codes: readonly number[],
  shape: TSchema = ProblemSchema,
): Record<number, TSchema> {
  return Object.fromEntries(
    codes.map((c) => [c, Type.Unsafe({ ...shape, description: STATUS_DESCRIPTIONS[c] ?? 'Error' })]),
  )
}

/** What every authenticated native route can answer besides its success. */
export const AUTH_ERRORS = [401, 403, 406, 429] as const
