import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { reports0006 } from './migrations/0006-reports.js'
import { reports0009 } from './migrations/0009-report-jobs-by-user.js'

/** Reports and exports, run at once or as jobs. */
export const reports: TrialdeckModule = {
  name: 'reports',
  routes: [routes],
  migrations: { '0006_reports': reports0006, '0009_report_jobs_by_user': reports0009 },
}
