import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import resourceRoutes from './resources/routes.js'

/** The Track API: actuals per plan and series, and the plan resources behind it. Its data is the plans' tables. */
export const track: TrialdeckModule = { name: 'track', routes: [routes, resourceRoutes] }
