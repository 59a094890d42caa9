import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { InjectOptions } from 'fastify'
import {
  createTenant,
  onEveryDatabase,
  type Harness,
  type TestTenant,
} from '../../../../test/support/harness.js'
import { sha256Hex } from '../secrets.js'

const WRITE = { 'x-trialdeck-csrf': '1' }
let address = 0
/** A source address of its own, so that one test's failed sign-ins never throttle another's. */
const source = () => `10.0.${Math.floor(++address / 250)}.${address % 250}`

async function signIn(h: Harness, t: TestTenant, extra: Record<string, unknown> = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    remoteAddress: source(),
    payload: { username: t.username, password: t.password, customerCode: t.code, ...extra },
  })
  assert.equal(res.statusCode, 201, res.body)
  const setCookie = String(res.headers['set-cookie'])
  const id = /^trialdeck_session=([^;]+)/.exec(setCookie)?.[1] ?? ''
  return { res, setCookie, id, cookie: `other=1; trialdeck_session=${id}` }
}

function as(h: Harness, cookie: string, options: InjectOptions & { url: string }) {
  return h.app.inject({ ...options, headers: { cookie, ...options.headers } })
}

interface Problem {
  detail: string
  errors?: { path: string }[]
}

onEveryDatabase('sessions', (h) => {
  test('sign-in answers the session and an HttpOnly, SameSite=Strict cookie; only its hash is stored', async () => {
    const t = await createTenant(h, { basicAuth: false })
    const { res, setCookie, id, cookie } = await signIn(h, t)
    assert.equal(setCookie, `trialdeck_session=${id}; HttpOnly; SameSite=Strict; Path=/`)
    assert.match(id, /^[A-Za-z0-9_-]{43}$/)
    assert.equal(res.headers['cache-control'], 'no-store')
    const body = res.json<{ expiresAt: string; idleExpiresAt: string; mustChangePassword: boolean }>()
    assert.equal(body.mustChangePassword, false)
    assert.ok(Date.parse(body.idleExpiresAt) - Date.now() > 29 * 60_000)
    assert.ok(Date.parse(body.expiresAt) - Date.now() > 11.9 * 3_600_000)
    assert.deepEqual(res.json<{ tenant: unknown }>().tenant, { code: t.code, name: `Test tenant ${t.code}` })
    const rows = await h.database.db
      .selectFrom('sessions')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]?.secret_hash, sha256Hex(id))
    assert.ok(!JSON.stringify(rows).includes(id))
    const me = await as(h, cookie, { url: '/api/v1/me' })
    assert.equal(me.statusCode, 200)
    assert.equal(me.json<{ authenticatedVia: string }>().authenticatedVia, 'session')
    const user = await h.database.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', t.userId)
      .executeTakeFirst()
    assert.ok(user?.last_login_at)
  })

  test('every failed sign-in is the same 401, whatever the reason', async () => {
    const t = await createTenant(h)
    const other = await createTenant(h)
    await h.database.db.updateTable('users').set({ active: 0 }).where('id', '=', other.userId).execute()
    const attempts = [
      { username: t.username, password: 'wrong-password', customerCode: t.code },
      { username: 'nobody', password: t.password, customerCode: t.code },
      { username: t.username, password: t.password, customerCode: 'NO-SUCH-TENANT' },
      { username: t.username, password: t.password, customerCode: other.code },
      { username: other.username, password: other.password, customerCode: other.code },
    ]
    for (const payload of attempts) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        remoteAddress: source(),
        payload,
      })
      assert.equal(res.statusCode, 401, JSON.stringify(payload))
      assert.equal(res.json<Problem>().detail, 'Invalid username or password')
      assert.equal(res.headers['set-cookie'], undefined)
      assert.equal(res.headers['www-authenticate'], undefined)
    }
  })

  test('bad sign-in input is a 422 or 415, never a session', async () => {
    const bad = [
      { payload: { username: 'x' } },
      { payload: { username: 'x', password: 'y', extra: 1 } },
      { payload: { username: '', password: 'y' } },
      { payload: { username: 'x', password: 'y'.repeat(256) } },
      { payload: { username: 'x', password: 'y', customerCode: 'c'.repeat(64) } },
    ]
    for (const { payload } of bad) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/sessions',
        remoteAddress: source(),
        payload,
      })
      assert.equal(res.statusCode, 422, res.body)
    }
    const form = await h.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=x&password=y',
    })
    assert.equal(form.statusCode, 415)
  })

  test('a garbled or unknown cookie is a 401 that clears it, and no password dialog for scripts', async () => {
    for (const value of ['garbage', 'a'.repeat(43), '%00;;', '']) {
      const res = await as(h, `trialdeck_session=${value}`, {
        url: '/api/v1/me',
        headers: { 'sec-fetch-mode': 'cors' },
      })
      assert.equal(res.statusCode, 401, value)
      assert.equal(res.headers['www-authenticate'], undefined)
    }
    const res = await as(h, `trialdeck_session=${'b'.repeat(43)}`, { url: '/api/v1/me' })
    assert.match(String(res.headers['set-cookie']), /^trialdeck_session=; .*Max-Age=0/)
    const none = await h.app.inject({ url: '/api/v1/me', headers: { 'sec-fetch-mode': 'cors' } })
    assert.equal(none.statusCode, 401)
    assert.equal(none.headers['www-authenticate'], undefined)
    const curl = await h.app.inject({ url: '/api/v1/me' })
    assert.match(String(curl.headers['www-authenticate']), /^Basic /)
  })

  test('a session needs only the role actions of what it does, not api', async () => {
    const t = await createTenant(h, { actions: ['admin.users.view'] })
    const basic = await h.app.inject({ url: '/api/v1/admin/users', headers: t.basic })
    assert.equal(basic.statusCode, 403)
    const { cookie } = await signIn(h, t)
    const res = await as(h, cookie, { url: '/api/v1/admin/users' })
    assert.equal(res.statusCode, 200, res.body)
    const denied = await as(h, cookie, { url: '/api/v1/audit' })
    assert.equal(denied.statusCode, 403)
  })

  test('a cookie-authenticated write without the CSRF header, or from another origin, is refused', async () => {
    const t = await createTenant(h)
    const { cookie } = await signIn(h, t)
    const role = { name: 'csrf-role', actions: [] }
    const url = '/api/v1/admin/roles'
    const noHeader = await as(h, cookie, { method: 'POST', url, payload: role })
    assert.equal(noHeader.statusCode, 403)
    assert.match(noHeader.json<Problem>().detail, /X-Trialdeck-CSRF/)
    assert.match(String(noHeader.headers['content-type']), /^application\/problem\+json/)
    const form = await as(h, cookie, {
      method: 'POST',
      url,
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x',
    })
    // Refused before authentication even runs (415: forms are not JSON); either way nothing is created.
    assert.ok([403, 415].includes(form.statusCode), form.body)
    const elsewhere = await as(h, cookie, {
      method: 'DELETE',
      url: '/api/v1/sessions/current',
      headers: { ...WRITE, origin: 'https://evil.example' },
    })
    assert.equal(elsewhere.statusCode, 403)
    assert.match(elsewhere.json<Problem>().detail, /Origin https:\/\/evil\.example/)
    const roles = await h.database.db
      .selectFrom('roles')
      .select('name')
      .where('tenant_id', '=', t.id)
      .execute()
    assert.ok(!roles.some((r) => r.name === 'csrf-role'))
    const ok = await as(h, cookie, {
      method: 'POST',
      url,
      headers: { ...WRITE, origin: 'http://localhost' },
      payload: role,
    })
    assert.equal(ok.statusCode, 201, ok.body)
    // Bearer and Basic carry no ambient authority: no header needed.
    const bearer = await h.app.inject({
      method: 'POST',
      url,
      headers: t.bearer,
      payload: { ...role, name: 'b' },
    })
    assert.equal(bearer.statusCode, 201)
    // Reads need no header either; sign-in from another origin is refused too (login CSRF).
    assert.equal((await as(h, cookie, { url: '/api/v1/me' })).statusCode, 200)
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      headers: { origin: 'https://evil.example' },
      payload: { username: t.username, password: t.password, customerCode: t.code },
    })
    assert.equal(login.statusCode, 403)
  })

  test('sign-out ends this session only; sign-out everywhere ends them all; both audited', async () => {
    const t = await createTenant(h)
    const a = await signIn(h, t)
    const b = await signIn(h, t)
    const c = await signIn(h, t)
    const out = await as(h, a.cookie, { method: 'DELETE', url: '/api/v1/sessions/current', headers: WRITE })
    assert.equal(out.statusCode, 204)
    assert.match(
      String(out.headers['set-cookie']),
      /^trialdeck_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/,
    )
    assert.equal((await as(h, a.cookie, { url: '/api/v1/me' })).statusCode, 401)
    assert.equal((await as(h, b.cookie, { url: '/api/v1/me' })).statusCode, 200)
    const all = await as(h, b.cookie, { method: 'DELETE', url: '/api/v1/sessions', headers: WRITE })
    assert.equal(all.statusCode, 204)
    assert.equal((await as(h, b.cookie, { url: '/api/v1/me' })).statusCode, 401)
    assert.equal((await as(h, c.cookie, { url: '/api/v1/me' })).statusCode, 401)
    const audit = await h.app.inject({ url: '/api/v1/audit?entityType=session', headers: t.bearer })
    const actions = audit.json<{ items: { action: string; actor: { kind: string } }[] }>().items
    assert.deepEqual(actions.map((r) => r.action).sort(), [
      'session.create',
      'session.create',
      'session.create',
      'session.end',
    ])
    assert.ok(actions.every((r) => r.actor.kind === 'session'))
    const everywhere = await h.app.inject({ url: '/api/v1/audit?action=session.end-all', headers: t.bearer })
    assert.equal(everywhere.json<{ items: unknown[] }>().items.length, 1)
  })

  test('a deactivated or locked account loses its sessions at once', async () => {
    const t = await createTenant(h)
    const { cookie } = await signIn(h, t)
    const until = new Date(Date.now() + 60_000).toISOString()
    await h.database.db.updateTable('users').set({ locked_until: until }).where('id', '=', t.userId).execute()
    assert.equal((await as(h, cookie, { url: '/api/v1/me' })).statusCode, 401)
    await h.database.db
      .updateTable('users')
      .set({ locked_until: null, active: 0 })
      .where('id', '=', t.userId)
      .execute()
    assert.equal((await as(h, cookie, { url: '/api/v1/me' })).statusCode, 401)
  })

  test("a session serves its own tenant only; another tenant's code does not sign its users in", async () => {
    const t = await createTenant(h)
    const other = await createTenant(h)
    const { cookie } = await signIn(h, t)
    const theirs = await as(h, cookie, { url: `/api/v1/admin/users/${other.userId}` })
    assert.equal(theirs.statusCode, 404)
    const list = await as(h, cookie, { url: '/api/v1/admin/users' })
    assert.deepEqual(
      list.json<{ items: { id: number }[] }>().items.map((u) => u.id),
      [t.userId],
    )
    const named = await as(h, cookie, { url: '/api/v1/me', headers: { customercode: other.code } })
    assert.equal(named.statusCode, 401)
    const same = await as(h, cookie, { url: '/api/v1/me', headers: { customercode: t.code.toLowerCase() } })
    assert.equal(same.json<{ tenant: { code: string } }>().tenant.code, t.code)
  })
})
