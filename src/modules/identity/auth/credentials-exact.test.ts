import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { App } from '../../../app.js'
import { openDatabase, type Database } from '../../../db/database.js'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { hashPassword } from '../secrets.js'

/**
 * SQLite, two handles on one file (as two processes would have): a change committed through the other handle is
 * seen by the very next request — no waiting, no `sync()`.
 */
onEveryDatabase('credentials changed through another handle on the same SQLite file', (h) => {
  let other: Database | undefined
  before(async () => {
    const raw = h.database.raw
    if (raw.kind === 'sqlite') other = await openDatabase(`sqlite:${raw.path}`)
  })
  after(async () => {
    await other?.close()
  })
  const skip = () => h.dialect !== 'sqlite'
  const me = (app: App, headers: Record<string, string>) => app.inject({ url: '/api/v1/me', headers })

  test('a new password, a deactivation and a revocation count on the next request', async (t) => {
    if (skip()) {
      t.skip('SQLite only: PostgreSQL is told by NOTIFY')
      return
    }
    const tenant = await createTenant(h)
    const db = other!.db
    assert.equal((await me(h.app, tenant.basic)).statusCode, 200)
    assert.equal((await me(h.app, tenant.basic)).statusCode, 200, 'cached')
    await db
      .updateTable('users')
      .set({ password_hash: await hashPassword('a-brand-new-password') })
      .where('id', '=', tenant.userId)
      .execute()
    assert.equal((await me(h.app, tenant.basic)).statusCode, 401)
    assert.equal((await me(h.app, tenant.bearer)).statusCode, 200)
    await db.updateTable('users').set({ active: 0 }).where('id', '=', tenant.userId).execute()
    assert.equal((await me(h.app, tenant.bearer)).statusCode, 401)
    await db.updateTable('users').set({ active: 1 }).where('id', '=', tenant.userId).execute()
    assert.equal((await me(h.app, tenant.bearer)).statusCode, 200)
    await db
      .updateTable('api_tokens')
      .set({ revoked_at: '2026-01-01T00:00:00.000Z' })
      .where('user_id', '=', tenant.userId)
      .execute()
    assert.equal((await me(h.app, tenant.bearer)).statusCode, 401)
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
  })

  test('in a loop of 200 changes, not one stale answer', async (t) => {
    if (skip()) {
      t.skip('SQLite only')
      return
    }
    const tenant = await createTenant(h)
    const db = other!.db
    for (let i = 0; i < 200; i++) {
      const active = i % 2
      await db.updateTable('users').set({ active }).where('id', '=', tenant.userId).execute()
      assert.equal((await me(h.app, tenant.bearer)).statusCode, active ? 200 : 401, `change ${i}`)
    }
  })
})
