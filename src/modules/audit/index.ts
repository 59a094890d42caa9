import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'

/** The tenant's audit trail. Its table is created by identity's `0001_identity`, which predates this module. */
export const audit: TrialdeckModule = { name: 'audit', routes: [routes] }
