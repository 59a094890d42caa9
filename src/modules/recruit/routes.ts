import type { ModulePlugin } from '../index.js'
import partnerRoutes from './partner.routes.js'

/** Recruitment: the Partner-compatible Recruit API (its own scope, for the recruitEnabled check) and staff routes. */
const recruit: ModulePlugin = async (app, opts) => {
  await app.register(partnerRoutes, opts)
}

export default recruit
