import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import type { Database } from '../../db/database.js'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'
import { createBaselinePlan } from '../../../test/support/track.js'
import { TrackService } from './service.js'

/** The database with every statement the SQLite connection runs counted (SQLite only). */
function counted(database: Database): { database: Database; statements: () => number } {
  const raw = database.raw
  if (raw.kind !== 'sqlite') throw new Error('SQLite only')
  let statements = 0
  const bound = (target: object, key: string | symbol): unknown => {
    const value: unknown = Reflect.get(target, key)
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
  }
  const sqlite = new Proxy(raw.sqlite, {
    get(target, key) {
      if (key !== 'prepare') return bound(target, key)
      return (source: string) =>
        new Proxy(target.prepare(source), {
          get(statement, k) {
            if (k !== 'get' && k !== 'all' && k !== 'run' && k !== 'iterate') return bound(statement, k)
            return (...args: unknown[]) => {
              statements++
              return (Reflect.get(statement, k) as (...a: unknown[]) => unknown).apply(statement, args)
            }
          },
        })
    },
  })
  return { database: { ...database, raw: { ...raw, sqlite } }, statements: () => statements }
}

onEveryDatabase('Track GET against the request’s reading of the database', (h) => {
  const reading = () => h.app.ctx.credentials.read()

  test('the lockToken is read once, then not again while nothing is committed anywhere', async (t) => {
    if (h.dialect !== 'sqlite') {
      t.skip('PostgreSQL has no data version: every GET reads the token')
      return
    }
    const tenant = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, tenant.id, 'sites')
    // The token lookup is prepared when the service is made: count from there.
    const { database, statements } = counted(h.database)
    const service = new TrackService(database)
    const first = await service.get(tenant.id, planId, 'sites', 'json', reading().data)
    const afterFirst = statements()
    assert.ok(afterFirst > 0, 'the first GET reads the token')
    const again = await service.get(tenant.id, planId, 'sites', 'json', reading().data)
    assert.equal(statements(), afterFirst, 'nothing committed since: no statement at all')
    assert.equal(again.lockToken, first.lockToken)

    // Another process commits a new token: the next reading differs, and the GET shows the new token.
    const other = new BetterSqlite3(database.raw.kind === 'sqlite' ? database.raw.path : '')
    try {
      other
        .prepare(
          'update plan_lock_tokens set lock_token = ? where tenant_id = ? and plan_id = ? and resource = ?',
        )
        .run(first.lockToken + 7, tenant.id, planId, 'sites')
    } finally {
      other.close()
    }
    const after = await service.get(tenant.id, planId, 'sites', 'json', reading().data)
    assert.equal(after.lockToken, first.lockToken + 7)
    assert.ok(statements() > afterFirst, 'the change was read')
  })

  test('a token seen inside a write not yet committed is not remembered, so a rollback is never shown', async (t) => {
    if (h.dialect !== 'sqlite' || h.database.raw.kind !== 'sqlite') {
      t.skip('SQLite only')
      return
    }
    const sqlite = h.database.raw.sqlite
    const tenant = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, tenant.id, 'sites')
    const service = new TrackService(h.database)
    const committed = (await service.get(tenant.id, planId, 'sites', 'json', reading().data)).lockToken
    // Something else is committed meanwhile, so the next GET has to look at the token again.
    const other = new BetterSqlite3(h.database.raw.path)
    try {
      other.prepare("update tenants set name = 'Renamed' where id = ?").run(tenant.id)
    } finally {
      other.close()
    }
    // A write under way on the shared connection (the lookup sees its uncommitted token), then rolled back.
    sqlite.exec('begin')
    sqlite
      .prepare(
        'update plan_lock_tokens set lock_token = ? where tenant_id = ? and plan_id = ? and resource = ?',
      )
      .run(committed + 1, tenant.id, planId, 'sites')
    const during = reading().data
    await service.get(tenant.id, planId, 'sites', 'json', during)
    sqlite.exec('rollback')
    assert.equal(reading().data, during, 'a rollback commits nothing: the data version stands')
    const after = await service.get(tenant.id, planId, 'sites', 'json', reading().data)
    assert.equal(after.lockToken, committed, 'the committed token, not the one rolled back')
  })
})
