import type { Kysely } from 'kysely'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import type { DB } from './db/schema.js'
import type { CredentialsWatch } from './modules/identity/auth/credentials-watch.js'

/** What every module is built from; made once per app by `buildApp` (no module-level singletons). */
export interface AppContext {
  config: Config
  database: Database
  db: Kysely<DB>
  /** Tells cached authentication results whether credentials changed (see CredentialsWatch). */
  credentials: CredentialsWatch
}
