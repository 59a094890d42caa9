import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import {
  BadRequest,
  DomainError,
  MAX_LISTED_ERRORS,
  NotFound,
  PayloadTooLarge,
  UnsupportedMediaType,
  ValidationFailed,
  type ErrorKind,
  type FieldError,
} from '../errors.js'
import { bodyFormatOf, negotiate, toXml } from './content.js'
import type { Surface } from './route-config.js'

const STATUS: Record<ErrorKind, number> = {
  'bad-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  conflict: 409,
  gone: 410,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  validation: 422,
  'too-many-requests': 429,
  internal: 500,
  unavailable: 503,
}

const KIND_OF_STATUS = new Map<number, ErrorKind>(
  Object.entries(STATUS).map(([kind, status]) => [status, kind as ErrorKind]),
)

/** Turns any thrown value (domain error, Fastify error, bug) into a domain error; `null` means a bug (500). */
export function toDomainError(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err
  const e = err as Partial<FastifyError>
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body'
    // allErrors can report one error per item of a huge array: only the listed ones are built.
    return new ValidationFailed(
      e.validation.slice(0, MAX_LISTED_ERRORS).map((v) => {
        const missing = v.keyword === 'required' ? `/${String(v.params.missingProperty)}` : ''
        const extra = v.keyword === 'additionalProperties' ? `/${String(v.params.additionalProperty)}` : ''
        return {
          path: `/${where}${v.instancePath}${missing}${extra}`,
          message:
            v.keyword === 'additionalProperties' ? 'is not a known field' : (v.message ?? 'is invalid'),
          rule: v.keyword,
        }
      }),
      Math.max(0, e.validation.length - MAX_LISTED_ERRORS),
    )
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLarge('The request body is larger than this server accepts (see BODY_LIMIT)')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType(e.message ?? 'Unsupported Content-Type')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BadRequest('The body is empty but Content-Type says JSON; send a JSON document')
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BadRequest(`Malformed JSON: ${e.message ?? ''}`)
    default:
  }
  if (err instanceof SyntaxError && e.statusCode === 400)
    return new BadRequest(`Malformed JSON: ${err.message}`)
  const status = e.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const kind = KIND_OF_STATUS.get(status) ?? 'bad-request'
    return new (class extends DomainError {
      readonly kind = kind
    })(e.message ?? STATUS_CODES[status] ?? 'Bad request')
  }
  return null
}

/** The surface a path belongs to: a route that declares none gets this one, and so does a request for no route. */
export function surfaceOfPath(url: string): Surface {
  if (url.startsWith('/cleartrial-ws')) return 'cleartrial'
  if (/^\/api\/v1\/(recruit\/|saveVolunteerRequest|invokeReport)/.test(url)) return 'partner'
  if (url.startsWith('/api/')) return 'native'
  return 'system'
}

/** Which error shape a request gets: the route says so; for unknown routes the path decides. */
function surfaceOf(request: FastifyRequest): Surface {
  return request.routeOptions.config.surface ?? surfaceOfPath(request.url)
}

function statusOf(error: DomainError, surface: Surface): number {
  // The Track contract answers validation errors with 400; the other surfaces with 422.
  if (error.kind === 'validation' && surface === 'cleartrial') return 400
  return STATUS[error.kind]
}

function errorsOf(error: DomainError): FieldError[] | undefined {
  return error instanceof ValidationFailed ? error.errors : undefined
}

/** The Track surface's message: "The following validation errors occurred: [ … ] [ … ]". */
function trackMessage(error: DomainError): string {
  if (!(error instanceof ValidationFailed)) return error.message
  const { errors, omitted } = error
  const more = omitted > 0 ? ` [ … and ${omitted} more ]` : ''
  return `The following validation errors occurred: ${errors.map((e) => `[ ${e.path}: ${e.message} ]`).join(' ')}${more}`
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: DomainError): FastifyReply {
  const surface = surfaceOf(request)
  const status = statusOf(error, surface)
  reply.headers(error.headers)
  reply.code(status)
  if (surface === 'cleartrial') {
    const body = { error: { errorCode: STATUS_CODES[status] ?? 'Error', message: trackMessage(error) } }
    if (request.format === 'xml') {
      return reply
        .type('application/xml; charset=utf-8')
        .serializer((p) => toXml(p))
        .send(body)
    }
    return reply.type('application/json; charset=utf-8').serializer(JSON.stringify).send(body)
  }
  const errors = errorsOf(error)
  const body = {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: error.message,
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...(errors ? { errors } : {}),
    ...(error instanceof ValidationFailed && error.omitted > 0 ? { omittedErrors: error.omitted } : {}),
  }
  return reply.type('application/problem+json; charset=utf-8').serializer(JSON.stringify).send(body)
}

/**
 * The router's own refusals (a path segment over 100 characters, a URL that does not decode), which reach no
 * route and no error handler: answered in the surface's error shape like every other 4xx. Fastify's
 * `frameworkErrors` option.
 */
export function sendFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is longer than this server accepts (100 characters)'
      : `The URL ${request.url.slice(0, 200)} is not valid: a path segment does not decode as UTF-8`
  if (surfaceOf(request) === 'cleartrial')
    request.format = negotiate(request.headers.accept, ['json', 'xml']) ?? 'json'
  void sendError(request, reply, new BadRequest(message))
}

/** One error path for the whole server: domain errors, Fastify's own errors, unknown routes and bugs. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const domain = toDomainError(err)
    if (domain) {
      if (domain.kind === 'unauthenticated' || domain.kind === 'forbidden') {
        request.log.info({ reason: domain.message }, domain.kind)
      }
      return sendError(request, reply, domain)
    }
    request.log.error({ err }, 'unexpected error')
    const internal = new (class extends DomainError {
      readonly kind = 'internal' as const
    })(`An unexpected error occurred; quote request id ${request.id} when reporting it`)
    return sendError(request, reply, internal)
  })
  app.setNotFoundHandler((request, reply) => {
    // No route, so nothing negotiated the format yet: the Track surface still answers in XML when asked.
    if (surfaceOf(request) === 'cleartrial')
      request.format = negotiate(request.headers.accept, ['json', 'xml'], bodyFormatOf(request)) ?? 'json'
    return sendError(
      request,
      reply,
      new NotFound(`No resource at ${request.method} ${request.url.split('?')[0]}`),
    )
  })
}
