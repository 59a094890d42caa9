import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  createTenant,
  onEveryDatabase,
  type Harness,
  type TestTenant,
} from '../../../../test/support/harness.js'

const basicOf = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`

function client(h: Harness) {
  return {
    basic: (code: string, username: string, password: string, from = '10.0.0.1', extra = {}) =>
      h.app.inject({
        url: '/api/v1/me',
        remoteAddress: from,
        headers: { authorization: basicOf(username, password), customercode: code, ...extra },
      }),
    user: (t: TestTenant, id = t.userId) =>
      h.database.db
        .selectFrom('users')
        .select(['failed_logins', 'locked_until', 'active'])
        .where('tenant_id', '=', t.id)
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    audit: (t: TestTenant) =>
      h.database.db
        .selectFrom('audit_log')
        .select(['action', 'entity_id', 'after'])
        .where('tenant_id', '=', t.id)
        .where('action', 'like', 'auth.%')
        .orderBy('seq')
        .execute(),
    healthy: async () => {
      assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
    },
  }
}

onEveryDatabase(
  'password login: atomic lockout, one answer (threshold 10)',
  (h) => {
    const c = client(h)

    test('60 parallel wrong passwords from 60 addresses get 10 checks; a right one after them is refused', async () => {
      const t = await createTenant(h)
      const burst = Array.from({ length: 60 }, (_, i) =>
        c.basic(t.code, t.username, `wrong-${i}`, `10.1.0.${i}`),
      )
      const late = c.basic(t.code, t.username, t.password, '10.1.1.1')
      const answers = await Promise.all([...burst, late])
      assert.ok(answers.every((r) => r.statusCode === 401))
      const trail = await c.audit(t)
      const checked = trail.filter((r) => r.action === 'auth.failed' || r.action === 'auth.locked')
      assert.equal(checked.length, 10, 'exactly the threshold of passwords were checked')
      assert.equal(trail.filter((r) => r.action === 'auth.locked').length, 1)
      const row = await c.user(t)
      assert.ok(row.locked_until !== null && Date.parse(row.locked_until) > Date.now())
      assert.equal((await c.basic(t.code, t.username, t.password, '10.1.1.2')).statusCode, 401)
      // An operator unlocks it; then the right password works again, and Bearer worked all along.
      assert.equal((await h.app.inject({ url: '/api/v1/me', headers: t.bearer })).statusCode, 200)
      const unlock = await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${t.userId}`,
        headers: t.bearer,
        payload: { unlock: true },
      })
      assert.equal(unlock.statusCode, 200)
      assert.equal((await c.basic(t.code, t.username, t.password, '10.1.1.3')).statusCode, 200)
      await c.healthy()
    })

    test('every failure answers the same 401, whatever the reason; the audit trail keeps the reason', async () => {
      const t = await createTenant(h)
      const off = await h.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: t.bearer,
        payload: { username: 'off', password: 'off-password-123', basicAuthEnabled: true, active: false },
      })
      const noBasic = await h.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: t.bearer,
        payload: { username: 'nobasic', password: 'nobasic-password-1' },
      })
      assert.equal(off.statusCode, 201)
      assert.equal(noBasic.statusCode, 201)
      const answers = [
        await c.basic(t.code, 'nobody-here', 'whatever-password', '10.2.0.1'),
        await c.basic(t.code, t.username, 'wrong-password!', '10.2.0.2'),
        await c.basic(t.code, 'off', 'off-password-123', '10.2.0.3'),
        await c.basic(t.code, 'nobasic', 'nobasic-password-1', '10.2.0.4'),
        await c.basic('NO-SUCH-TENANT', t.username, t.password, '10.2.0.5'),
      ]
      for (const r of answers) {
        assert.equal(r.statusCode, 401)
        assert.equal(r.json<{ detail: string }>().detail, 'Invalid username or password')
        assert.match(String(r.headers['www-authenticate']), /^Basic /)
      }
      const trail = await c.audit(t)
      const reasons = trail.map((r) => {
        const after = JSON.parse(r.after ?? '{}') as { reason?: string }
        return `${r.action}:${after.reason ?? ''}`
      })
      assert.deepEqual(reasons, [
        'auth.refused:unknown-user',
        'auth.failed:',
        'auth.refused:inactive',
        'auth.refused:basic-disabled',
      ])
      assert.ok(
        trail.every((r) => !String(r.after).includes('password') && !String(r.after).includes('nobody')),
      )
      // Nothing about the refused accounts changed.
      assert.equal((await c.user(t, off.json<{ id: number }>().id)).failed_logins, 0)
      await c.healthy()
    })

    test('a success clears the count: failures spread over successes never lock', async () => {
      const t = await createTenant(h)
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 9; i++) await c.basic(t.code, t.username, 'wrong', `10.3.${round}.${i}`)
        assert.equal((await c.basic(t.code, t.username, t.password, `10.3.${round}.99`)).statusCode, 200)
      }
      assert.deepEqual(await c.user(t), { failed_logins: 0, locked_until: null, active: 1 })
    })
  },
  { config: { lockoutThreshold: 10, lockoutMs: 60_000, loginSourceMax: 1000 } },
)

onEveryDatabase(
  'password login: failed logins per client address (LOGIN_FAIL_MAX 4)',
  (h) => {
    const c = client(h)

    test('one address gets 429 with Retry-After before it can lock the account; others still sign in', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 4; i++) {
        assert.equal((await c.basic(t.code, t.username, `wrong-${i}`, '10.9.0.1')).statusCode, 401)
      }
      const over = await c.basic(t.code, t.username, `wrong-5`, '10.9.0.1')
      assert.equal(over.statusCode, 429)
      assert.ok(Number(over.headers['retry-after']) >= 1)
      // Not even the right password from there: a 429 must not tell a right guess from a wrong one.
      assert.equal((await c.basic(t.code, t.username, t.password, '10.9.0.1')).statusCode, 429)
      const row = await c.user(t)
      assert.equal(row.locked_until, null)
      assert.equal(row.failed_logins, 4, 'the refused attempts did not count against the account')
      assert.equal((await c.basic(t.code, t.username, t.password, '10.9.0.2')).statusCode, 200)
      const trail = await c.audit(t)
      assert.equal(trail.length, 4)
      await c.healthy()
    })

    test('successes do not count against their address', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) await c.basic(t.code, t.username, 'wrong', '10.9.1.1')
      for (let i = 0; i < 5; i++) {
        // A change to the account voids the cached verification: each of these runs the whole check.
        const patch = await h.app.inject({
          method: 'PATCH',
          url: `/api/v1/admin/users/${t.userId}`,
          headers: t.bearer,
          payload: { displayName: `round ${i}` },
        })
        assert.equal(patch.statusCode, 200)
        assert.equal((await c.basic(t.code, t.username, t.password, '10.9.1.1')).statusCode, 200)
      }
      assert.equal((await c.basic(t.code, t.username, 'wrong', '10.9.1.1')).statusCode, 401)
      assert.equal((await c.basic(t.code, t.username, 'wrong', '10.9.1.1')).statusCode, 429)
    })

    test('without TRUST_PROXY, X-Forwarded-For does not change the address', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 4; i++) {
        await c.basic(t.code, t.username, 'wrong', '10.9.2.1', { 'x-forwarded-for': `192.0.2.${i}` })
      }
      const res = await c.basic(t.code, t.username, 'wrong', '10.9.2.1', { 'x-forwarded-for': '192.0.2.77' })
      assert.equal(res.statusCode, 429)
    })
  },
  { config: { lockoutThreshold: 10, loginSourceMax: 4 } },
)

onEveryDatabase(
  'password login behind a proxy (TRUST_PROXY)',
  (h) => {
    const c = client(h)
    test('with TRUST_PROXY the address is the client X-Forwarded-For names', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 2; i++) {
        await c.basic(t.code, t.username, 'wrong', '10.8.0.1', { 'x-forwarded-for': '192.0.2.1' })
      }
      const limited = await c.basic(t.code, t.username, 'wrong', '10.8.0.1', {
        'x-forwarded-for': '192.0.2.1',
      })
      assert.equal(limited.statusCode, 429)
      const other = await c.basic(t.code, t.username, t.password, '10.8.0.1', {
        'x-forwarded-for': '192.0.2.2',
      })
      assert.equal(other.statusCode, 200)
    })
  },
  { config: { trustProxy: true, loginSourceMax: 2 } },
)
