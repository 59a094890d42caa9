import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'

onEveryDatabase(
  'Basic-auth lockout (threshold 3, 2s)',
  (h) => {
    const basic = (t: { username: string; code: string }, password: string) =>
      h.app.inject({
        url: '/api/v1/me',
        headers: {
          authorization: `Basic ${Buffer.from(`${t.username}:${password}`).toString('base64')}`,
          customercode: t.code,
        },
      })

    test('after 3 failures in a row the account locks, even for the right password, then unlocks', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) assert.equal((await basic(t, 'wrong')).statusCode, 401)
      const locked = await basic(t, t.password)
      assert.equal(locked.statusCode, 401)
      assert.equal(locked.json<{ detail: string }>().detail, 'Invalid username or password')
      assert.equal((await h.app.inject({ url: '/api/v1/me', headers: t.bearer })).statusCode, 200)
      await sleep(2100)
      assert.equal((await basic(t, t.password)).statusCode, 200)
      // A success clears the count: two more failures do not lock.
      for (let i = 0; i < 2; i++) assert.equal((await basic(t, 'wrong')).statusCode, 401)
      assert.equal((await basic(t, t.password)).statusCode, 200)
    })

    test('failures are audited, and the one that locks says so', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) await basic(t, `wrong-${i}`)
      const rows = await h.database.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id', 'after', 'request_id'])
        .where('tenant_id', '=', t.id)
        .where('action', 'like', 'auth.%')
        .orderBy('seq')
        .execute()
      assert.deepEqual(
        rows.map((r) => r.action),
        ['auth.failed', 'auth.failed', 'auth.locked'],
      )
      assert.ok(rows.every((r) => r.entity_id === String(t.userId) && r.request_id !== null))
      assert.ok(rows.every((r) => !String(r.after).includes('wrong')))
    })

    test('each login refused while locked is audited with its reason, never with the password', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) await basic(t, 'wrong')
      for (let i = 0; i < 5; i++) assert.equal((await basic(t, t.password)).statusCode, 401)
      const rows = await h.database.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('tenant_id', '=', t.id)
        .where('action', '=', 'auth.refused')
        .execute()
      assert.equal(rows.length, 5)
      const after = JSON.parse(rows[0]!.after ?? '{}') as Record<string, unknown>
      assert.deepEqual(
        { ...after, lockedUntil: typeof after.lockedUntil },
        { scheme: 'basic', reason: 'locked', lockedUntil: 'string' },
      )
      assert.ok(rows.every((r) => !String(r.after).includes(t.password)))
    })

    test('failures never lock another tenant’s user of the same name', async () => {
      const a = await createTenant(h)
      const b = await createTenant(h)
      for (let i = 0; i < 3; i++) await basic(a, 'wrong')
      assert.equal((await basic(b, b.password)).statusCode, 200)
    })
  },
  { config: { lockoutThreshold: 3, lockoutMs: 2000, loginSourceMax: 1000 } },
)
