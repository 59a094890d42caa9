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

/** One or more fields are wrong; every problem found is listed, so the caller can fix them all at once. */
export class ValidationFailed extends DomainError {
  readonly kind = 'validation'
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join('; ') || 'validation failed')
  }
  static one(path: string, message: string, rule: string): ValidationFailed {
    return new ValidationFailed([{ path, message, rule }])
  }
}

/** Collects field errors and throws them together. */
export class ErrorList {
  readonly errors: FieldError[] = []
  add(path: string, message: string, rule: string): void {
    this.errors.push({ path, message, rule })
  }
  get empty(): boolean {
    return this.errors.length === 0
  }
  throwIfAny(): void {
    if (this.errors.length > 0) throw new ValidationFailed(this.errors)
  }
}
