import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import resourceRoutes from './resources/routes.js'
import { track0004 } from './migrations/0004-track.js'

/** The Track API: actuals per plan and series, and the plan resources behind it. */
export const track: TrialdeckModule = {
  name: 'track',
  routes: [routes, resourceRoutes],
  migrations: { '0004_track': track0004 },
}
