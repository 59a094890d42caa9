import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import {
  createTenant,
  onEveryDatabase,
  type Harness,
  type TestTenant,
} from '../../../../test/support/harness.js'

const WRITE = { 'x-trialdeck-csrf': '1' }

async function signIn(h: Harness, t: TestTenant, remoteAddress = '10.1.0.1', password = t.password) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    remoteAddress,
    payload: { username: t.username, password, customerCode: t.code },
  })
  const id = /^trialdeck_session=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  return { res, cookie: `trialdeck_session=${id}` }
}

const me = (h: Harness, cookie: string) => h.app.inject({ url: '/api/v1/me', headers: { cookie } })
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()

onEveryDatabase('session expiry (defaults: 30 min idle, 12 h at most)', (h) => {
  test('a session idle for longer than the idle timeout has ended; each request moves it on', async () => {
    const t = await createTenant(h)
    const { cookie } = await signIn(h, t)
    const sessions = () => h.database.db.selectFrom('sessions').selectAll().where('tenant_id', '=', t.id)
    await h.database.db
      .updateTable('sessions')
      .set({ last_seen_at: ago(29 * 60_000) })
      .where('tenant_id', '=', t.id)
      .execute()
    const alive = await me(h, cookie)
    assert.equal(alive.statusCode, 200)
    const [touched] = await sessions().execute()
    assert.ok(
      Date.now() - Date.parse(touched?.last_seen_at ?? '') < 5000,
      'the request moved last_seen_at on',
    )
    await h.database.db
      .updateTable('sessions')
      .set({ last_seen_at: ago(31 * 60_000) })
      .where('tenant_id', '=', t.id)
      .execute()
    const idle = await me(h, cookie)
    assert.equal(idle.statusCode, 401)
    assert.match(idle.json<{ detail: string }>().detail, /expired/)
    assert.equal((await sessions().execute()).length, 0, 'the expired session is deleted')
  })

  test('a session ends at its absolute expiry however busy it is', async () => {
    const t = await createTenant(h)
    const { res, cookie } = await signIn(h, t)
    const [row] = await h.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .execute()
    assert.equal(Date.parse(row?.expires_at ?? '') - Date.parse(row?.created_at ?? ''), 12 * 3_600_000)
    assert.equal(res.json<{ expiresAt: string }>().expiresAt, row?.expires_at)
    await h.database.db
      .updateTable('sessions')
      .set({ expires_at: ago(1000) })
      .where('tenant_id', '=', t.id)
      .execute()
    assert.equal((await me(h, cookie)).statusCode, 401)
  })
})

onEveryDatabase(
  'session expiry (SESSION_IDLE_TIMEOUT=1s, SESSION_MAX_AGE=1h)',
  (h) => {
    test('the configured idle timeout applies', async () => {
      const t = await createTenant(h)
      const { res, cookie } = await signIn(h, t)
      const body = res.json<{ expiresAt: string; idleExpiresAt: string }>()
      assert.ok(Math.abs(Date.parse(body.expiresAt) - Date.now() - 3_600_000) < 5000)
      assert.ok(Date.parse(body.idleExpiresAt) - Date.now() <= 1000)
      assert.equal((await me(h, cookie)).statusCode, 200)
      await sleep(1200)
      assert.equal((await me(h, cookie)).statusCode, 401)
    })
  },
  { config: { sessionIdleTimeoutMs: 1000, sessionMaxAgeMs: 3_600_000 } },
)

onEveryDatabase(
  'sign-in throttling, lockout and rate limit (LOCKOUT_THRESHOLD=3, RATE_LIMIT_MAX=5)',
  (h) => {
    test('too many failed sign-ins from one address → 429 with Retry-After, even with the right password', async () => {
      const t = await createTenant(h)
      const other = await createTenant(h)
      for (const who of [t, other, t]) {
        const failed = await signIn(h, who, '10.2.0.1', 'wrong-password')
        assert.equal(failed.res.statusCode, 401)
      }
      const throttled = await signIn(h, other, '10.2.0.1')
      assert.equal(throttled.res.statusCode, 429)
      assert.match(
        throttled.res.json<{ detail: string }>().detail,
        /Too many failed sign-ins.*try again in \d+ minutes?/,
      )
      const retry = Number(throttled.res.headers['retry-after'])
      assert.ok(retry > 0 && retry <= 15 * 60, String(retry))
      const elsewhere = await signIn(h, other, '10.2.0.2')
      assert.equal(elsewhere.res.statusCode, 201)
    })

    test('failed sign-ins lock the account like failed Basic logins, audited with scheme session', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) {
        assert.equal((await signIn(h, t, `10.3.0.${i}`, 'wrong-password')).res.statusCode, 401)
      }
      const locked = await signIn(h, t, '10.3.1.1')
      assert.equal(locked.res.statusCode, 401)
      assert.equal(locked.res.json<{ detail: string }>().detail, 'Invalid username or password')
      const audit = await h.app.inject({ url: '/api/v1/audit?action=auth.locked', headers: t.bearer })
      const [record] = audit.json<{ items: { after: { scheme: string } }[] }>().items
      assert.equal(record?.after.scheme, 'session')
    })

    test('session requests count against the user’s rate limit', async () => {
      const t = await createTenant(h)
      const { cookie } = await signIn(h, t, '10.4.0.1')
      const codes: number[] = []
      for (let i = 0; i < 6; i++) codes.push((await me(h, cookie)).statusCode)
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429])
    })
  },
  { config: { lockoutThreshold: 3, loginSourceMax: 3, rateLimitMax: 5 } },
)

onEveryDatabase(
  'sessions behind an HTTPS proxy (TRUST_PROXY=true)',
  (h) => {
    test('the cookie is Secure when the request came over HTTPS, and the origin is the https one', async () => {
      const t = await createTenant(h)
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        headers: {
          'x-forwarded-proto': 'https',
          host: 'trialdeck.example',
          origin: 'https://trialdeck.example',
        },
        payload: { username: t.username, password: t.password, customerCode: t.code },
      })
      assert.equal(res.statusCode, 201, res.body)
      assert.match(String(res.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Path=\/; Secure$/)
      const cookie = String(res.headers['set-cookie']).split(';')[0] ?? ''
      const out = await h.app.inject({
        method: 'DELETE',
        url: '/api/v1/sessions/current',
        headers: {
          ...WRITE,
          cookie,
          'x-forwarded-proto': 'https',
          host: 'trialdeck.example',
          origin: 'http://trialdeck.example',
        },
      })
      assert.equal(out.statusCode, 403, 'http:// is another origin than https://')
    })
  },
  { config: { trustProxy: true } },
)
