import type { FastifyRequest } from 'fastify'
import type { Principal } from './route-config.js'

/** Who did something: a user (through a token, Basic or a session), or the system itself (CLI, seed). */
export interface Actor {
  tenantId: number
  kind: 'user' | 'token' | 'session' | 'basic' | 'system' | 'anonymous'
  userId: number | null
  tokenId: number | null
  requestId: string | null
}

/**
 * The principal of a request on an authenticated route. The identity module sets it before any handler of a
 * route whose `config.action` is not `public` runs, so its absence is a wiring bug (a 500), never a client error.
 */
export function requirePrincipal(request: FastifyRequest): Principal {
  const p = request.principal
  if (!p)
    throw new Error(`no principal on the authenticated route ${request.routeOptions.url ?? request.url}`)
  return p
}

/** The actor of an authenticated request, for the audit log. */
export function actorOf(request: FastifyRequest): Actor {
  const p = requirePrincipal(request)
  return {
    tenantId: p.tenantId,
    kind: p.via === 'bearer' ? 'token' : p.via === 'basic' ? 'basic' : 'session',
    userId: p.userId,
    tokenId: p.tokenId ?? null,
    requestId: request.id,
  }
}
