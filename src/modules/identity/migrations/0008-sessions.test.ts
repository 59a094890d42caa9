import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Migrator } from 'kysely'
import pg from 'pg'
import { openDatabase, type Database } from '../../../db/database.js'
import { migrate, migrationsFor } from '../../../migrations.js'

/** A database at migration 0007 with one tenant whose built-in administrator lacks admin.tenant.manage. */
async function before0008(database: Database): Promise<void> {
  const all = migrationsFor(database.dialect)
  const schema = database.raw.kind === 'postgres' ? database.raw.schema : undefined
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(all) },
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  })
  const result = await migrator.migrateTo('0007_credentials_epoch')
  assert.equal(result.error, undefined)
  const now = new Date().toISOString()
  const db = database.db
  const tenant = await db
    .insertInto('tenants')
    .values({ code: 'OLD', code_key: 'old', name: 'Old', settings: '{}', created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [name, builtIn] of [
    ['administrator', 1],
    ['custom', 0],
  ] as const) {
    const role = await db
      .insertInto('roles')
      .values({ tenant_id: tenant.id, name, description: null, built_in: builtIn, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('role_actions').values({ role_id: role.id, action: 'api' }).execute()
  }
}

async function actionsByRole(database: Database): Promise<Record<string, string[]>> {
  const rows = await database.db
    .selectFrom('roles as r')
    .innerJoin('role_actions as a', 'a.role_id', 'r.id')
    .select(['r.name', 'a.action'])
    .orderBy('a.action')
    .execute()
  const out: Record<string, string[]> = {}
  for (const r of rows) (out[r.name] ??= []).push(r.action)
  return out
}

const targets: { name: string; open: () => Promise<{ database: Database; dispose: () => Promise<void> }> }[] =
  [
    {
      name: 'sqlite',
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'trialdeck-m8-'))
        const database = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`)
        const dispose = () => {
          rmSync(dir, { recursive: true, force: true })
          return Promise.resolve()
        }
        return { database, dispose }
      },
    },
  ]
const url = process.env.TEST_DATABASE_URL
if (url) {
  targets.push({
    name: 'postgres',
    open: async () => {
      const schema = `td_m8_${process.pid}_${randomBytes(3).toString('hex')}`
      const database = await openDatabase(url, { schema })
      return {
        database,
        dispose: async () => {
          const client = new pg.Client({ connectionString: url })
          await client.connect()
          await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end())
        },
      }
    },
  })
}

for (const target of targets) {
  test(`migration 0008 gives existing built-in administrators admin.tenant.manage, and nobody else [${target.name}]`, async () => {
    const { database, dispose } = await target.open()
    try {
      await before0008(database)
      assert.deepEqual(await actionsByRole(database), { administrator: ['api'], custom: ['api'] })
      await migrate(database)
      assert.deepEqual(await actionsByRole(database), {
        administrator: ['admin.tenant.manage', 'api'],
        custom: ['api'],
      })
      const user = await database.db
        .selectFrom('users')
        .select(['must_change_password', 'last_login_at'])
        .execute()
      assert.deepEqual(user, [])
    } finally {
      await database.close()
      await dispose()
    }
  })
}
