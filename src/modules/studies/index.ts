import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { studies0002 } from './migrations/0002-studies.js'

/** Studies and their sites. */
export const studies: TrialdeckModule = {
  name: 'studies',
  routes: [routes],
  migrations: { '0002_studies': studies0002 },
}
