import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openMigratedDatabase } from '../migrations.js'

const url = process.env.TEST_DATABASE_URL

void test(
  "PostgreSQL: migrations and introspection see only their own schema, not another's on the same server",
  { skip: url ? false : 'TEST_DATABASE_URL not set' },
  async () => {
    const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`
    const other = `td_other_${suffix}`
    const mine = `td_mine_${suffix}`
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      // Another deployment's bookkeeping table, which must not be taken for ours.
      await client.query(`create schema ${other}`)
      await client.query(`create table ${other}.kysely_migration (name text primary key, timestamp text)`)
      const database = await openMigratedDatabase(url!, { schema: mine })
      try {
        const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true })
        assert.ok(tables.length > 0)
        assert.ok(tables.every((t) => t.schema === mine))
        assert.ok(tables.some((t) => t.name === 'tenants'))
        assert.ok(tables.some((t) => t.name === 'kysely_migration'))
      } finally {
        await database.close()
      }
    } finally {
      await client.query(`drop schema if exists ${other} cascade`)
      await client.query(`drop schema if exists ${mine} cascade`)
      await client.end()
    }
  },
)

void test('SQLite syncs every commit to disk by default (synchronous=FULL); NORMAL only when asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialdeck-sync-'))
  try {
    for (const [options, expected] of [
      [{}, 2],
      [{ synchronous: 'normal' as const }, 1],
    ] as const) {
      const database = await openMigratedDatabase(`sqlite:${join(dir, `s${expected}.db`)}`, options)
      try {
        assert.equal(
          database.raw.kind === 'sqlite' && database.raw.sqlite.pragma('synchronous', { simple: true }),
          expected,
        )
      } finally {
        await database.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
