import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** A schema name of this test process's own on a shared PostgreSQL server. */
export function testSchemaName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`
}

/** Drops a test's schema and all in it; imports nothing of the app, so tests of `src/db` can use it too. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await client.end()
  }
}
