import type { RoleAction } from '../modules/identity/actions.js'
import type { Reading } from '../modules/identity/auth/credentials-watch.js'

/** The API families Trialdeck serves; each renders errors its own way (see `errors.ts`). */
export type Surface = 'native' | 'partner' | 'cleartrial' | 'system'

/** Representations a route can produce or accept. */
export type MediaFormat =
  'json' | 'xml' | 'csv' | 'ndjson' | 'xlsx' | 'odm' | 'xpt' | 'dataset-json' | 'dataset-ndjson'

export interface XmlOptions {
  /** Element names that are always arrays, even with one element (`location`, `periods`, …). */
  arrays?: readonly string[]
}

/** Who a request acts for. Never changed once made: authentication caches and reuses principals. */
export interface Principal {
  readonly tenantId: number
  readonly tenantCode: string
  readonly userId: number
  readonly username: string
  readonly actions: ReadonlySet<RoleAction>
  /** How this request authenticated. */
  readonly via: 'basic' | 'bearer' | 'session'
  readonly tokenId?: number
  /** Sessions only: the session's row id, and whether its user must change a password an admin set. */
  readonly sessionId?: number
  readonly mustChangePassword?: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the caller must hold: a role action; `authenticated` for any signed-in caller; `public` for no
     * authentication at all. Programmatic calls (Basic or Bearer) also need `api`. Reflected into the route's
     * OpenAPI `security` and description.
     */
    action?: RoleAction | 'authenticated' | 'public'
    surface?: Surface
    produces?: readonly MediaFormat[]
    consumes?: readonly MediaFormat[]
    xml?: XmlOptions
    /** A session whose user must change their password may still call this route (me, password, sign-out). */
    beforePasswordChange?: boolean
  }
  interface FastifyRequest {
    /** The representation negotiated from `Accept` (json when the route offers nothing else). */
    format: MediaFormat
    /** Who is calling; set by the identity module before the handler runs on any non-public route. */
    principal: Principal | null
    /** The request's one look at the database (see readingOf); null until something needs it. */
    reading: Reading | null
  }
}
