import type { TrialdeckModule } from '../index.js'
import routes from './routes.js'
import adminRoutes from './admin/routes.js'
import tenantRoutes from './tenant/routes.js'
import { identity0001 } from './migrations/0001-identity.js'
import { identity0007 } from './migrations/0007-credentials-epoch.js'
import { identity0008 } from './migrations/0008-sessions.js'
import { identity0010 } from './migrations/0010-user-version.js'
import { identity0011 } from './migrations/0011-role-version.js'

/**
 * Tenants, users, roles, tokens and sessions. Authentication (`auth/`) is registered by the app before any module;
 * the session routes register with it. `0001_identity` also creates the audit trail's table (see `audit/tables.ts`).
 */
export const identity: TrialdeckModule = {
  name: 'identity',
  routes: [routes, adminRoutes, tenantRoutes],
  migrations: {
    '0001_identity': identity0001,
    '0007_credentials_epoch': identity0007,
    '0008_sessions': identity0008,
    '0010_user_version': identity0010,
    '0011_role_version': identity0011,
  },
}
