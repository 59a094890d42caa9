import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { conduct0006 } from './migrations/0006-conduct.js'

/** Study conduct data: subjects, schedule, items, observations; restricted studies. */
export const conduct: TrialdeckModule = {
  name: 'conduct',
  routes: [routes],
  migrations: { '0006_reports': conduct0006 },
}
