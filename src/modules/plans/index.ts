import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { track0004 } from './migrations/0004-track.js'

/**
 * Plan documents (budget, schedule, baseline, Track values) and their earned-value performance. Owns the plan
 * tables, created under the key `0004_track` from before plans and Track were separate modules.
 */
export const plans: TrialdeckModule = {
  name: 'plans',
  routes: [routes],
  migrations: { '0004_track': track0004 },
}
