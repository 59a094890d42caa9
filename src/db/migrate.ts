import { Migrator, type Migration, type MigrationResultSet } from 'kysely'
import type { Database } from './database.js'

function migrator(database: Database, migrations: Record<string, Migration>): Migrator {
  // On PostgreSQL, Kysely looks for its bookkeeping tables by name across every schema unless told which
  // one: a second schema on the same server (another test run, another deployment) would be mistaken for
  // this one's. Name the schema we work in.
  const schema = database.raw.kind === 'postgres' ? database.raw.schema : undefined
  return new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  })
}

/**
 * Applies every pending migration of `migrations` (the modules' list, assembled by `src/migrations.ts`); safe to run
 * from several instances at once (Kysely takes a lock).
 */
export async function migrateToLatest(
  database: Database,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  const result: MigrationResultSet = await migrator(database, migrations).migrateToLatest()
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error.message : JSON.stringify(result.error)
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${cause}`, { cause: result.error })
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
