import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { reports0006 } from './migrations/0006-reports.js'

/** Reports and exports, run at once or as jobs. */
export const reports: TrialdeckModule = {
  name: 'reports',
  routes: [routes],
  migrations: { '0006_reports': reports0006 },
}
