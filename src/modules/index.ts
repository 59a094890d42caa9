import type { FastifyPluginAsync } from 'fastify'
import type { Migration } from 'kysely'
import type { AppContext } from '../context.js'
import type { Dialect } from '../db/database.js'
import { health } from './health/index.js'
import { identity } from './identity/index.js'
import { audit } from './audit/index.js'
import { studies } from './studies/index.js'
import { plans } from './plans/index.js'
import { track } from './track/index.js'
import { recruit } from './recruit/index.js'
import { conduct } from './conduct/index.js'
import { reports } from './reports/index.js'
import { web } from './web/index.js'

export { registerAuthentication } from './identity/auth/authenticate.js'

export type ModulePlugin = FastifyPluginAsync<{ ctx: AppContext }>

/**
 * What a module brings to the app: its route plugins and its migrations, keyed by the name Kysely stores once a
 * migration has run (never rename one). Its tables' types merge into `DB` from its own `tables.ts`.
 */
export interface TrialdeckModule {
  name: string
  /** Registered in this order, after authentication. */
  routes: readonly ModulePlugin[]
  migrations?: Readonly<Record<string, (dialect: Dialect) => Migration>>
}

/** Every module, in the order `buildApp` registers their routes (and the order of parts sharing a migration key). */
export const MODULES: readonly TrialdeckModule[] = [
  health,
  identity,
  audit,
  studies,
  plans,
  track,
  recruit,
  conduct,
  reports,
  web,
]
