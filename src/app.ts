import Fastify, { type FastifyInstance } from 'fastify'
import compress from '@fastify/compress'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { AppContext } from './context.js'
import type { Database } from './db/database.js'
import { registerBodyParsers } from './http/body.js'
import { registerContentNegotiation } from './http/content.js'
import { registerErrorHandling, sendFrameworkError, surfaceOfPath } from './http/errors.js'
import { AccessLog, loggersFor, requestLogger } from './http/logging.js'
import { describeAuthorisation, registerOpenApi } from './http/openapi.js'
import { requestIdOf } from './http/request-id.js'
import { registerTextNormalisation } from './http/text.js'
import { registerValidation } from './http/validation.js'
import { DEFAULT_XML_LIMITS } from './http/xml-scan.js'
import { openCredentialsWatch } from './modules/identity/auth/credentials-watch.js'
import { openMigratedDatabase } from './migrations.js'
import { MODULES, registerAuthentication, type ModulePlugin } from './modules/index.js'
import { VERSION } from './version.js'

export interface BuildOptions {
  /** An already-open, migrated database (tests share one per file); otherwise `config.databaseUrl` is opened. */
  database?: Database
  /** More route plugins, registered after the modules (tests use it for probe routes). */
  plugins?: readonly ModulePlugin[]
}

export type App = FastifyInstance & { ctx: AppContext }

/** The app factory that `trialdeck serve` and every test use. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const ownsDatabase = options.database === undefined
  const database =
    options.database ??
    (await openMigratedDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous }))
  const logs = loggersFor(config)
  const app = Fastify({
    loggerInstance: logs.logger,
    logController: new AccessLog(logs.access),
    childLoggerFactory: requestLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    genReqId: requestIdOf,
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { allErrors: true } },
    // A body that never finishes is answered 408 and closed; Node checks every second, not every 30 s, and
    // swaps the two timeouts when the headers' one is the longer.
    requestTimeout: config.requestTimeoutMs,
    frameworkErrors: sendFrameworkError,
    http: { connectionsCheckingInterval: 1000, headersTimeout: Math.min(60_000, config.requestTimeoutMs) },
  }).withTypeProvider<TypeBoxTypeProvider>()

  const credentials = await openCredentialsWatch(database, app.log)
  app.addHook('onClose', () => credentials.close())
  const ctx: AppContext = { config, database, db: database.db, credentials }
  app.decorate('ctx', ctx)

  app.addHook('onRoute', (route) => {
    const config = (route.config ??= {})
    const isApi = route.url.startsWith('/api/') || route.url.startsWith('/cleartrial-ws')
    if (isApi && config.action === undefined) {
      throw new Error(`route ${route.method.toString()} ${route.url} declares no role action (config.action)`)
    }
    config.surface ??= surfaceOfPath(route.url)
    // A GET has no body to decompress: no @fastify/compress preParsing hook on it.
    const methods = [route.method].flat()
    if (methods.every((m) => m === 'GET' || m === 'HEAD')) route.decompress ??= false
    if (isApi) config.produces ??= ['json']
    describeAuthorisation(route)
  })
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id)
    done()
  })
  if (ownsDatabase) app.addHook('onClose', () => database.close())

  registerValidation(app)
  registerErrorHandling(app)
  registerContentNegotiation(app)
  registerBodyParsers(app, { ...DEFAULT_XML_LIMITS, maxElements: config.xmlMaxElements })
  registerTextNormalisation(app)
  // @fastify/compress's own list of compressible types, plus NDJSON and SAS transport files (mostly blanks).
  const compressible =
    /^text\/(?!event-stream)|(?:\+|\/)json(?:;|$)|(?:\+|\/)text(?:;|$)|(?:\+|\/)xml(?:;|$)|octet-stream(?:;|$)|\/x-ndjson(?:;|$)|\/x-sas-xport(?:;|$)/u
  await app.register(compress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip', 'deflate'],
    customTypes: compressible,
  })
  await registerOpenApi(app, VERSION)
  registerAuthentication(app, ctx)
  for (const plugin of [...MODULES.flatMap((m) => m.routes), ...(options.plugins ?? [])])
    await app.register(plugin, { ctx })
  return app as unknown as App
}
