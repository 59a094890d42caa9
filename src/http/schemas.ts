import { Type, type TSchema } from 'typebox'

export const FieldErrorSchema = Type.Object(
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
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldErrorSchema)),
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
