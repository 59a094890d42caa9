import { loadConfig, type Config } from '../config.js'
import type { Database } from '../db/database.js'
import { openMigratedDatabase } from '../migrations.js'

/** Runs a CLI action against the configured, migrated database, and closes it afterwards. */
export async function withDatabase<T>(fn: (database: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig()
  const database = await openMigratedDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous })
  try {
    return await fn(database, config)
  } finally {
    await database.close()
  }
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}
