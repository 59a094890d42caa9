/**
 * Typed domain errors. Services throw these and know nothing of HTTP; `src/http/errors.ts` maps each kind to a
 * status and renders it in the surface's own error shape.
 */
export interface FieldError {
  /** Where the problem is: a JSON pointer into the request (`/body/location/0/periods/3/date`) or a parameter name. */
  path: string
  message: string
  /** The rule that failed: `required`, `range`, `date`, `type`, `unknown`, `duplicate`, … */
  rule: string
}

export type ErrorKind =
  | 'bad-request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'not-acceptable'
  | 'conflict'
  | 'gone'
  | 'precondition-failed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'validation'
  | 'too-many-requests'
  | 'unavailable'
  | 'internal'

export abstract class DomainError extends Error {
  abstract readonly kind: ErrorKind
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers: Record<string, string> = {}
}

export class BadRequest extends DomainError {
  readonly kind = 'bad-request'
}
export class Unauthenticated extends DomainError {
  readonly kind = 'unauthenticated'
}
export class Forbidden extends DomainError {
  readonly kind = 'forbidden'
  constructor(
    message: string,
    readonly missingAction?: string,
  ) {
    super(message)
  }
}
export class NotFound extends DomainError {
  readonly kind = 'not-found'
}
export class Conflict extends DomainError {
  readonly kind = 'conflict'
}
export class Gone extends DomainError {
  readonly kind = 'gone'
}
/** An `If-Match` that no longer matches the resource's current `ETag`. */
export class PreconditionFailed extends DomainError {
  readonly kind = 'precondition-failed'
}
export class NotAcceptable extends DomainError {
  readonly kind = 'not-acceptable'
}
export class UnsupportedMediaType extends DomainError {
  readonly kind = 'unsupported-media-type'
}
export class PayloadTooLarge extends DomainError {
  readonly kind = 'payload-too-large'
}
export class TooManyRequests extends DomainError {
  readonly kind = 'too-many-requests'
}
export class Unavailable extends DomainError {
  readonly kind = 'unavailable'
}

/**
 * A number the server computed (a sum of the values sent), as a message shows it: without binary floating-point
 * noise (`0.7 + 0.4` is 1.1, not 1.0999999999999999), to the fifteen significant digits a double holds exactly.
 * A value the user sent is shown as JavaScript prints it (`String(v)`), which is the shortest text that reads
 * back as the same number — what they typed — and must not go through this: it would cut a 17-digit value.
 */
export function numberText(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(15))) : String(n)
}

/** Listed in an error body at most; the rest are counted (`omitted`), so a reply never grows with the request. */
export const MAX_LISTED_ERRORS = 100
/** A path or message longer than this (it may echo the request) is cut, for the same reason. */
const MAX_ERROR_TEXT = 300

function cut(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text
}

/** A one-line summary of field errors: all of them when there are few, else the count and the first. */
function summariseErrors(errors: readonly FieldError[], omitted = 0): string {
  const total = errors.length + omitted
  const line = (e: FieldError): string => `${e.path}: ${e.message}`
  if (total === 0) return 'validation failed'
  if (total <= 3 && omitted === 0) return errors.map(line).join('; ')
  const first = errors[0]
  return `${total} validation errors${first ? `; the first: ${line(first)}` : ''} (see errors)`
}

/**
 * One or more fields are wrong; every problem found is listed, so the caller can fix them all at once — up to
 * MAX_LISTED_ERRORS of them, with `omitted` counting the rest.
 */
export class ValidationFailed extends DomainError {
  readonly kind = 'validation'
  readonly errors: FieldError[]
  readonly omitted: number
  constructor(errors: readonly FieldError[], omitted = 0) {
    const listed = errors
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => ({ path: cut(e.path), message: cut(e.message), rule: cut(e.rule) }))
    const rest = errors.length - listed.length + omitted
    super(summariseErrors(listed, rest))
    this.errors = listed
    this.omitted = rest
  }
  static one(path: string, message: string, rule: string): ValidationFailed {
    return new ValidationFailed([{ path, message, rule }])
  }
}

/** Collects field errors and throws them together; past MAX_LISTED_ERRORS they are only counted. */
export class ErrorList {
  readonly errors: FieldError[] = []
  omitted = 0
  add(path: string, message: string, rule: string): void {
    if (this.errors.length < MAX_LISTED_ERRORS) this.errors.push({ path, message, rule })
    else this.omitted++
  }
  get empty(): boolean {
    return this.errors.length === 0
  }
  /** Whether a listed error points at `path` or inside it (`/body/answers` covers `/body/answers/0/question`). */
  has(path: string): boolean {
    return this.errors.some((e) => e.path === path || e.path.startsWith(`${path}/`))
  }
  /** A list that starts with the errors of `failed` (a schema's), for the domain checks to add theirs to. */
  static from(failed: ValidationFailed): ErrorList {
    const list = new ErrorList()
    list.errors.push(...failed.errors)
    list.omitted = failed.omitted
    return list
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationFailed(this.errors, this.omitted)
  }
}
