import type { Migration } from 'kysely'
import type { Dialect } from '../database.js'
import { identity0001 } from '../../modules/identity/migrations.js'
import { studies0002 } from '../../modules/studies/migrations.js'
import { track0004 } from '../../modules/track/migrations.js'
import { recruit0005 } from '../../modules/recruit/migrations.js'
import { reports0006 } from '../../modules/reports/migrations.js'
import { identity0007 } from '../../modules/identity/migrations-0007.js'
import { identity0008 } from '../../modules/identity/migrations-0008.js'
import { identity0009 } from '../../modules/identity/migrations-0009.js'

/**
 * Every migration, in order. One list for both dialects; each entry gets the dialect for the few places
 * where column types differ (see `../columns.ts`). Names sort in the order they must run.
 */
const MIGRATIONS: Record<string, (dialect: Dialect) => Migration> = {
  '0001_identity': identity0001,
  '0002_studies': studies0002,
  '0004_track': track0004,
  '0005_recruit': recruit0005,
  '0006_reports': reports0006,
  '0007_credentials_epoch': identity0007,
  '0008_sessions': identity0008,
  '0009_role_version': identity0009,
}

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, make]) => [name, make(dialect)]))
}
