import type { ModulePlugin } from '../index.js'
import partnerRoutes from './partner/routes.js'
import setupRoutes from './staff/routes.js'
import volunteerRoutes from './volunteers/routes.js'

/** Recruitment: the Partner-compatible Recruit API (its own scope, for the recruitEnabled check), set-up and volunteers. */
const recruit: ModulePlugin = async (app, opts) => {
  await app.register(partnerRoutes, opts)
  await app.register(setupRoutes, opts)
  await app.register(volunteerRoutes, opts)
}

export default recruit
