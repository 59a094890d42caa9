import type { FastifyInstance, RouteOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

const SECURITY: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }, { sessionCookie: [] }]

/**
 * Reflects each route's declared role action into its OpenAPI operation (security, a description line and
 * `x-role-action`), so the code and the docs cannot disagree. Must be registered before any route.
 */
export function describeAuthorisation(route: RouteOptions): void {
  const action = route.config?.action
  if (action === undefined) return
  const schema = (route.schema ??= {}) as Record<string, unknown>
  if (action === 'public') {
    schema.security = []
    return
  }
  schema.security = SECURITY
  schema['x-role-action'] = action
  const needs =
    action === 'authenticated'
      ? 'Requires authentication (and the role action `api` for Basic or Bearer calls).'
      : `Requires role action \`${action}\` (and \`api\` for Basic or Bearer calls).`
  schema.description = typeof schema.description === 'string' ? `${schema.description}\n\n${needs}` : needs
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Trialdeck API',
        version,
        description:
          'Clinical-trial operations: the Recruit and Report APIs (Partner-compatible, under /api/v1), the Track ' +
          'API (ClearTrial-compatible, under /cleartrial-ws) and the native administration API.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          basicAuth: {
            type: 'http',
            scheme: 'basic',
            description: 'Username and password; Basic must be enabled on the account.',
          },
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token created for the user (`td_…`).',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'trialdeck_session',
            description:
              'The web app: POST /api/v1/sessions sets it. Writes must also send `X-Trialdeck-CSRF: 1`.',
          },
        },
      },
      security: SECURITY,
    },
  })
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, tryItOutEnabled: true, persistAuthorization: true },
    staticCSP: true,
  })
  app.get(
    '/openapi.json',
    { schema: { hide: true }, config: { action: 'public', surface: 'system' } },
    async () => app.swagger(),
  )
}
