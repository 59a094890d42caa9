import type { Kysely, Migration } from 'kysely'
import { openDatabase, type Database, type Dialect, type OpenOptions } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { MODULES, type TrialdeckModule } from './modules/index.js'

/**
 * Every module's migrations, by key; keys sort in the order they run. A key two modules share (`0006_reports`,
 * which created conduct's and reports' tables before each module owned its own) runs its parts in module order
 * going up and in reverse going down, as one migration, so databases migrated before the split are not migrated
 * again. There is no `0003` (no migration was ever stored under it); keys are never renumbered.
 */
export function migrationsFor(
  dialect: Dialect,
  modules: readonly TrialdeckModule[] = MODULES,
): Record<string, Migration> {
  const parts = new Map<string, Migration[]>()
  for (const module of modules) {
    for (const [key, make] of Object.entries(module.migrations ?? {})) {
      const list = parts.get(key) ?? []
      list.push(make(dialect))
      parts.set(key, list)
    }
  }
  const keys = [...parts.keys()].sort()
  return Object.fromEntries(
    keys.map((key) => {
      const list = parts.get(key) ?? []
      const migration: Migration = {
        async up(db: Kysely<unknown>) {
          for (const part of list) await part.up(db)
        },
        async down(db: Kysely<unknown>) {
          for (const part of [...list].reverse()) await part.down?.(db)
        },
      }
      return [key, list.length === 1 && list[0] !== undefined ? list[0] : migration]
    }),
  )
}

/** Applies every pending migration of every module; returns the names applied. */
export function migrate(database: Database): Promise<string[]> {
  return migrateToLatest(database, migrationsFor(database.dialect))
}

/** Opens and brings the schema up to date: what the server and the CLI do at start. */
export async function openMigratedDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const database = await openDatabase(url, options)
  try {
    await migrate(database)
  } catch (err) {
    await database.close()
    throw err
  }
  return database
}
