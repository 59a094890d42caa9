import { createTrialdeckClient } from '@trialdeck/client'

/**
 * The one client every screen calls the API through: the generated, typed client on the same origin, with the
 * session cookie sent (`credentials: 'include'`) and the CSRF header the server requires on cookie-authenticated
 * writes.
 */
const CSRF_HEADER = 'X-Trialdeck-CSRF'
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

function sessionFetch(input: Request): Promise<Response> {
  return globalThis.fetch(input, { credentials: 'include' })
}

export const api = createTrialdeckClient(globalThis.location.origin, sessionFetch as typeof fetch)
api.use({
  onRequest({ request }) {
    if (!SAFE.has(request.method)) request.headers.set(CSRF_HEADER, '1')
    return request
  },
})

/** RFC 9457 problem details, as every native route answers an error. */
interface ProblemShape {
  title?: string
  status?: number
  detail?: string
  requestId?: string
  errors?: { path: string; message: string; rule: string }[]
}

/** An answer other than 2xx, in words: what the server said, its status and the request id to quote. */
export class ApiError extends Error {
  readonly status: number
  readonly requestId: string | undefined
  readonly fieldErrors: { path: string; message: string; rule: string }[]
  readonly retryAfter: number | undefined

  constructor(response: Response, body: unknown) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as ProblemShape
    super(problem.detail ?? problem.title ?? (response.statusText || `HTTP ${response.status}`))
    this.name = 'ApiError'
    this.status = response.status
    this.requestId = problem.requestId ?? response.headers.get('x-request-id') ?? undefined
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : []
    const retry = Number(response.headers.get('retry-after'))
    this.retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined
  }
}

/** What the generated client's calls resolve to. */
interface Answer<T> {
  data?: T
  error?: unknown
  response: Response
}

/** The data of a successful answer; an `ApiError` for any other. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await call
  if (!response.ok) throw new ApiError(response, error)
  return data as T
}

/** The data and ETag of a successful answer (for `If-Match` on the next write). */
export async function withETag<T>(call: Promise<Answer<T>>): Promise<{ data: T; etag: string | undefined }> {
  const { data, error, response } = await call
  if (!response.ok) throw new ApiError(response, error)
  return { data: data as T, etag: response.headers.get('etag') ?? undefined }
}
