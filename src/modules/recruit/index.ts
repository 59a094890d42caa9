import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import { recruit0005 } from './migrations/0005-recruit.js'

/** Recruitment: the Partner-compatible API (`partner/`), study set-up (`staff/`) and volunteers (`volunteers/`). */
export const recruit: TrialdeckModule = {
  name: 'recruit',
  routes: [routes],
  migrations: { '0005_recruit': recruit0005 },
}
