import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import health from './health/routes.js'
import identity from './identity/routes.js'
import conduct from './conduct/routes.js'
import reports from './reports/routes.js'

export { registerAuthentication } from './identity/auth.js'

export type ModulePlugin = FastifyPluginAsync<{ ctx: AppContext }>

/** Every module's routes, registered in this order by `buildApp`. */
export const MODULES: readonly ModulePlugin[] = [health, identity, conduct, reports]
