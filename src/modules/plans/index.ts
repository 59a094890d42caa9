import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'

/** Plan documents (budget, schedule, baseline) and their earned-value performance. */
export const plans: TrialdeckModule = { name: 'plans', routes: [routes] }
