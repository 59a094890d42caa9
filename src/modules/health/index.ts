import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'

/** Liveness and readiness; no tables. */
export const health: TrialdeckModule = { name: 'health', routes: [routes] }
