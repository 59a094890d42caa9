import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'

/** The staff web app's static files. */
export const web: TrialdeckModule = { name: 'web', routes: [routes] }
