import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Unauthenticated } from '../../../errors.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import type { Principal } from '../../../http/route-config.js'
import { actorOf } from '../../audit/service.js'
import type { Authenticator } from '../auth/authenticate.js'
import { changeOwnPassword } from './own-password.js'
import { LOGIN_REFUSED } from '../auth/password-login.js'
import { IdentityRepository } from '../repository.js'
import { PasswordChangeSchema, SessionSchema, SignInSchema, type SessionView } from './schemas.js'
import { checkOrigin, clearedSessionCookie, sessionCookie } from './sessions.js'

const tags = ['identity']
const NoContent = (description: string) => Type.Null({ description })

function principalOf(request: FastifyRequest): Principal {
  const p = request.principal
  if (!p) throw new Error('no principal on an authenticated route')
  return p
}

function customerCodeHeader(request: FastifyRequest): string | undefined {
  const v = request.headers.customercode
  const code = Array.isArray(v) ? v[0] : v
  return code === undefined || code.trim() === '' ? undefined : code.trim()
}

/**
 * Sign-in, sign-out and the user's own password: what the web app needs besides the API itself. Registered by
 * the authentication hook, whose Authenticator it shares (sessions, lockout, failure accounting).
 */
const sessionRoutes: FastifyPluginAsync<{ authenticator: Authenticator }> = async (
  plain,
  { authenticator },
) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const ctx = authenticator.ctx
  const sessions = authenticator.sessions
  const users = new IdentityRepository(ctx.db)

  app.post(
    '/api/v1/sessions',
    {
      config: { action: 'public' },
      schema: {
        summary: 'Sign in with username and password: a session cookie for the web app',
        description:
          'Answers `Set-Cookie: trialdeck_session=…; HttpOnly; SameSite=Strict`. Every refusal is the same 401 ' +
          '"Invalid username or password"; too many from one address → 429 with Retry-After. Requests with the ' +
          'cookie need no `api` role action; their writes must send `X-Trialdeck-CSRF: 1`.',
        tags,
        operationId: 'createSession',
        body: SignInSchema,
        response: {
          201: {
            ...SessionSchema,
            headers: {
              'Set-Cookie': Type.String({ description: 'trialdeck_session=…; HttpOnly; SameSite=Strict' }),
            },
          },
          ...errorResponses([401, 403, 415, 422, 429]),
        },
      },
    },
    async (request, reply) => {
      checkOrigin(request)
      const now = Date.now()
      // The one password sign-in (PasswordLogin): the same lockout, per-address limit, answer and audit as Basic.
      const signedIn = await authenticator.passwords.login({
        username: request.body.username,
        password: request.body.password,
        customerCode: request.body.customerCode ?? customerCodeHeader(request),
        hostname: request.hostname,
        source: request.ip,
        via: 'session',
        requestId: request.id,
        now,
      })
      const tenant = await users.findTenantById(signedIn.tenantId)
      const user = await users.findUserById(signedIn.tenantId, signedIn.userId)
      if (!tenant || !user) throw new Unauthenticated(LOGIN_REFUSED)
      const actor = { tenantId: tenant.id, kind: 'session' as const, userId: user.id, tokenId: null }
      const created = await sessions.create({ ...actor, requestId: request.id }, now)
      const body: SessionView = {
        expiresAt: created.expiresAt,
        idleExpiresAt: created.idleExpiresAt,
        mustChangePassword: user.must_change_password === 1,
        user: { id: user.id, username: user.username, displayName: user.display_name },
        tenant: { code: tenant.code, name: tenant.name },
      }
      return reply
        .code(201)
        .header('set-cookie', sessionCookie(request, created.id))
        .header('cache-control', 'no-store')
        .send(body)
    },
  )

  app.delete(
    '/api/v1/sessions/current',
    {
      config: { action: 'authenticated', beforePasswordChange: true },
      schema: {
        summary: 'Sign out: end this session and clear its cookie',
        tags,
        operationId: 'deleteCurrentSession',
        response: { 204: NoContent('Signed out'), ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      if (p.sessionId !== undefined) await sessions.end(actorOf(request), p.sessionId)
      return reply.code(204).header('set-cookie', clearedSessionCookie(request)).send(null)
    },
  )

  app.delete(
    '/api/v1/sessions',
    {
      config: { action: 'authenticated', beforePasswordChange: true },
      schema: {
        summary: 'Sign out everywhere: end every session of the calling user',
        tags,
        operationId: 'deleteAllSessions',
        response: { 204: NoContent('Every session of yours has ended'), ...errorResponses(AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      await sessions.endAll(actorOf(request), principalOf(request).userId)
      return reply.code(204).header('set-cookie', clearedSessionCookie(request)).send(null)
    },
  )

  app.put(
    '/api/v1/me/password',
    {
      config: { action: 'authenticated', beforePasswordChange: true },
      schema: {
        summary: 'Change your own password (required first when an administrator set it)',
        description: 'Your other sessions end; this one goes on.',
        tags,
        operationId: 'changeMyPassword',
        body: PasswordChangeSchema,
        response: { 204: NoContent('Changed'), ...errorResponses([...AUTH_ERRORS, 415, 422]) },
      },
    },
    async (request, reply) => {
      const p = principalOf(request)
      await changeOwnPassword(ctx, authenticator, request, p, request.body, Date.now())
      return reply.code(204).send(null)
    },
  )
}

export default sessionRoutes
