import type { FastifyPluginAsync } from 'fastify'
import type { AppContext } from '../context.js'
import health from './health/routes.js'
import identity from './identity/routes.js'
import identityAdmin from './identity/admin/routes.js'
import identityTenant from './identity/tenant/routes.js'
import audit from './audit/routes.js'
import track from './track/routes.js'
import studies from './studies/routes.js'
import recruit from './recruit/routes.js'
import plans from './plans/routes.js'
import trackResources from './track/resources/routes.js'
import conduct from './conduct/routes.js'
import reports from './reports/routes.js'
import web from './web/routes.js'

export { registerAuthentication } from './identity/auth/authenticate.js'

export type ModulePlugin = FastifyPluginAsync<{ ctx: AppContext }>

/** Every module's routes, registered in this order by `buildApp`. */
export const MODULES: readonly ModulePlugin[] = [
  health,
  identity,
  identityAdmin,
  identityTenant,
  audit,
  studies,
  plans,
  track,
  trackResources,
  recruit,
  conduct,
  reports,
  web,
]
