import type { FastifyInstance, RouteOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { contractTransforms } from './openapi-contract.js'

const SECURITY: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }, { sessionCookie: [] }]

/** What each operation tag groups, as the document's tag list shows it. */
const TAGS: { name: string; description: string }[] = [
  { name: 'admin', description: "Your tenant's users, their API tokens, its roles and its settings" },
  {
    name: 'audit',
    description: "Your tenant's audit trail of every change, and the check of its hash chain",
  },
  { name: 'identity', description: 'Who you are; signing in and out of the web app; your own password' },
  { name: 'operations', description: 'Liveness and readiness, for load balancers and orchestrators' },
  {
    name: 'plans',
    description:
      "A study's plans (locations, weekly series, providers, tasks, fees and costs), its baseline, and earned value",
  },
  {
    name: 'recruit',
    description:
      "The Recruit API (Partner-compatible) a clinic's website calls: volunteers, matching studies, appointments",
  },
  {
    name: 'recruitment setup',
    description: "A study's sites, cohorts, recruitment profile and screening slots; the volunteer questions",
  },
  {
    name: 'reports',
    description: 'The Report API: the report catalogue, and running a report at once or as a background job',
  },
  { name: 'studies', description: "Your tenant's studies: protocol, name, phase, sponsor, compound, status" },
  {
    name: 'study data',
    description: "A study's subjects, timepoints, data items and observations (one by one or a bulk import)",
  },
  {
    name: 'track',
    description:
      'The Track API (ClearTrial-compatible): actuals against the baseline plan, its studies and plans, JSON or XML',
  },
  {
    name: 'volunteers',
    description: 'The volunteers who registered, as staff see them, and the sites each staff user sees',
  },
]

/** What @fastify/swagger-ui's `staticCSP: true` sends (its assets carry no inline hashes), less the upgrade. */
const DOCS_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; " +
  "img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self' https:;"

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
  // Once: GET routes are seen twice (HEAD shares their schema).
  if (typeof schema.description === 'string' && schema.description.includes(needs)) return
  schema.description = typeof schema.description === 'string' ? `${schema.description}\n\n${needs}` : needs
}

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    ...contractTransforms(),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Trialdeck API',
        version,
        description:
          'Clinical-trial operations: the Recruit and Report APIs (Partner-compatible, under /api/v1), the Track ' +
          'API (ClearTrial-compatible, under /cleartrial-ws) and the native administration API.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        contact: { name: 'Trialdeck maintainers' },
      },
      servers: [{ url: '/' }],
      tags: TAGS,
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
  // The Swagger UI's policy, with `upgrade-insecure-requests` only for a request that came over HTTPS (behind a
  // proxy: with TRUST_PROXY): over plain HTTP at any address but localhost it would make the browser fetch the
  // UI's assets over https, and /docs would be a blank page. The hook sits in the UI's own context: other
  // routes do not run it.
  await app.register(async (docs) => {
    docs.addHook('onSend', async (request, reply) => {
      reply.header(
        'content-security-policy',
        request.protocol === 'https' ? `${DOCS_CSP} upgrade-insecure-requests;` : DOCS_CSP,
      )
    })
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: {
        docExpansion: 'list',
        deepLinking: true,
        tryItOutEnabled: true,
        persistAuthorization: true,
      },
    })
  })
  app.get(
    '/openapi.json',
    { schema: { hide: true }, config: { action: 'public', surface: 'system' } },
    async () => app.swagger(),
  )
}
