import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../../test/support/harness.js'

interface User {
  id: number
  username: string
  active: boolean
  basicAuthEnabled: boolean
  roles: string[]
  displayName: string | null
}
interface Page<T> {
  items: T[]
  nextCursor: string | null
}
interface Problem {
  detail: string
  errors?: { path: string; rule: string }[]
}

onEveryDatabase('admin API: users, tokens, roles', (h) => {
  const call = (
    t: Pick<TestTenant, 'bearer'>,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    h.app.inject({
      method,
      url: `/api/v1/admin${url}`,
      headers: { ...t.bearer, ...headers },
      ...(payload ? { payload } : {}),
    })

  const newUser = async (t: TestTenant, username: string, extra: object = {}) => {
    const res = await call(t, 'POST', '/users', { username, password: 'pw-123456-abcdef', ...extra })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<User>()
  }

  test('a created user has Basic off by default, an ETag and a Location; no password comes back', async () => {
    const t = await createTenant(h)
    const res = await call(t, 'POST', '/users', {
      username: 'alice',
      password: 's3cret-pw-abcdef',
      displayName: 'Alice',
      roles: ['viewer'],
    })
    assert.equal(res.statusCode, 201)
    const user = res.json<User>()
    assert.equal(user.basicAuthEnabled, false)
    assert.equal(user.active, true)
    assert.deepEqual(user.roles, ['viewer'])
    assert.equal(res.headers.location, `/api/v1/admin/users/${user.id}`)
    assert.match(String(res.headers.etag), /^".+"$/)
    assert.doesNotMatch(res.body, /s3cret|password/)
    const dup = await call(t, 'POST', '/users', { username: 'alice' })
    assert.equal(dup.statusCode, 409)
  })

  test('bad input → 422 listing every problem, and nothing is written', async () => {
    const t = await createTenant(h)
    const res = await call(t, 'POST', '/users', {
      username: 'has space',
      password: '',
      email: 'not-an-email',
      extra: 1,
    })
    assert.equal(res.statusCode, 422)
    const paths = res.json<Problem>().errors!.map((e) => e.path)
    for (const p of ['/body/username', '/body/password', '/body/email', '/body/extra']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(',')}`)
    }
    const unknownRole = await call(t, 'POST', '/users', { username: 'bob', roles: ['nope'] })
    assert.equal(unknownRole.statusCode, 422)
    assert.equal(unknownRole.json<Problem>().errors![0]!.path, '/body/roles/0')
    const list = await call(t, 'GET', '/users')
    assert.deepEqual(
      list.json<Page<User>>().items.map((u) => u.username),
      ['tester'],
    )
  })

  test('users are listed a page at a time with nextCursor; a foreign cursor → 422', async () => {
    const t = await createTenant(h)
    for (const name of ['u1', 'u2', 'u3']) await newUser(t, name)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await call(t, 'GET', `/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(res.statusCode, 200)
      const page = res.json<Page<User>>()
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((u) => u.username))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null)
    assert.deepEqual(seen, ['tester', 'u1', 'u2', 'u3'])
    assert.equal(pages, 2)
    const bad = await call(t, 'GET', '/users?cursor=garbage')
    assert.equal(bad.statusCode, 422)
    assert.equal(bad.json<Problem>().errors![0]!.path, '/querystring/cursor')
    assert.equal((await call(t, 'GET', '/users?limit=0')).statusCode, 422)
  })

  test('PATCH with the current ETag applies; with a stale one → 412 and nothing changes', async () => {
    const t = await createTenant(h)
    const u = await newUser(t, 'carol')
    const read = await call(t, 'GET', `/users/${u.id}`)
    const etag = String(read.headers.etag)
    const ok = await call(
      t,
      'PATCH',
      `/users/${u.id}`,
      { displayName: 'Carol', basicAuthEnabled: true },
      {
        'if-match': etag,
      },
    )
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.json<User>().displayName, 'Carol')
    assert.notEqual(ok.headers.etag, etag)
    const stale = await call(
      t,
      'PATCH',
      `/users/${u.id}`,
      { displayName: 'Overwritten' },
      { 'if-match': etag },
    )
    assert.equal(stale.statusCode, 412)
    const after = await call(t, 'GET', `/users/${u.id}`)
    assert.equal(after.json<User>().displayName, 'Carol')
    assert.equal((await call(t, 'PATCH', `/users/${u.id}`, {})).statusCode, 422)
  })

  test('a password reset through PATCH works for Basic at once', async () => {
    const t = await createTenant(h)
    const u = await newUser(t, 'dave', { basicAuthEnabled: true, roles: ['api-integrator'] })
    await call(t, 'PATCH', `/users/${u.id}`, { password: 'new-pw-789-abcdef' })
    const auth = (pw: string) => ({
      authorization: `Basic ${Buffer.from(`dave:${pw}`).toString('base64')}`,
      customercode: t.code,
    })
    assert.equal(
      (await h.app.inject({ url: '/api/v1/me', headers: auth('pw-123456-abcdef') })).statusCode,
      401,
    )
    assert.equal(
      (await h.app.inject({ url: '/api/v1/me', headers: auth('new-pw-789-abcdef') })).statusCode,
      200,
    )
  })

  test('a token secret is shown once on creation; lists never contain one', async () => {
    const t = await createTenant(h)
    const u = await newUser(t, 'erin', { roles: ['api-integrator'] })
    const created = await call(t, 'POST', `/users/${u.id}/tokens`, { name: 'ci', expiresIn: '1h' })
    assert.equal(created.statusCode, 201)
    const token = created.json<{ id: number; secret: string; status: string; expiresAt: string }>()
    assert.match(token.secret, /^td_/)
    assert.equal(token.status, 'active')
    assert.ok(Date.parse(token.expiresAt) > Date.now() + 3500_000)
    assert.equal(created.headers['cache-control'], 'no-store')
    await call(t, 'DELETE', `/users/${u.id}/tokens/${token.id}`)
    const list = await call(t, 'GET', `/users/${u.id}/tokens`)
    assert.equal(list.statusCode, 200)
    assert.doesNotMatch(list.body, /secret|td_[A-Za-z0-9_-]{20,}/)
    assert.ok(!list.body.includes(token.secret))
    const items = list.json<Page<{ id: number; status: string; revokedAt: string | null }>>().items
    assert.equal(items[0]?.status, 'revoked')
    const past = await call(t, 'POST', `/users/${u.id}/tokens`, {
      name: 'x',
      expiresAt: '2001-01-01T00:00:00Z',
    })
    assert.equal(past.statusCode, 422)
    assert.equal((await call(t, 'DELETE', `/users/${u.id}/tokens/999999`)).statusCode, 404)
  })

  test('every admin route refuses another tenant’s users and tokens with 404', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const victim = await newUser(b, 'victim')
    const tokenId = (await call(b, 'POST', `/users/${victim.id}/tokens`, { name: 'b' })).json<{
      id: number
    }>().id
    const attempts = [
      await call(a, 'GET', `/users/${victim.id}`),
      await call(a, 'PATCH', `/users/${victim.id}`, { active: false }),
      await call(a, 'GET', `/users/${victim.id}/tokens`),
      await call(a, 'POST', `/users/${victim.id}/tokens`, { name: 'stolen' }),
      await call(a, 'DELETE', `/users/${victim.id}/tokens/${tokenId}`),
      await call(a, 'DELETE', `/users/${a.userId}/tokens/${tokenId}`),
    ]
    for (const res of attempts) assert.equal(res.statusCode, 404, `${res.statusCode} ${res.body}`)
    const list = await call(a, 'GET', '/users')
    assert.ok(!list.json<Page<User>>().items.some((u) => u.username === 'victim'))
    const still = await call(b, 'GET', `/users/${victim.id}/tokens`)
    assert.equal(still.json<Page<{ status: string }>>().items[0]?.status, 'active')
  })

  test('403 bodies name the missing role action', async () => {
    const t = await createTenant(h, { actions: ['api', 'admin.users.view'] })
    assert.equal((await call(t, 'GET', '/users')).statusCode, 200)
    const res = await call(t, 'POST', '/users', { username: 'x' })
    assert.equal(res.statusCode, 403)
    assert.match(res.json<Problem>().detail, /admin\.users\.manage/)
    const tokens = await call(t, 'GET', `/users/${t.userId}/tokens`)
    assert.equal(tokens.statusCode, 403)
    assert.match(tokens.json<Problem>().detail, /admin\.users\.tokens\.view/)
  })

  test('nobody grants a role, or makes one, holding actions they do not hold', async () => {
    const t = await createTenant(h, {
      actions: ['api', 'admin.users.view', 'admin.users.manage', 'admin.roles.manage', 'track.view'],
    })
    const grant = await call(t, 'POST', '/users', { username: 'x', roles: ['administrator'] })
    assert.equal(grant.statusCode, 403)
    assert.match(grant.json<Problem>().detail, /administrator.*audit\.view/)
    const role = await call(t, 'POST', '/roles', { name: 'big', actions: ['api', 'track.edit'] })
    assert.equal(role.statusCode, 403)
    assert.match(role.json<Problem>().detail, /track\.edit/)
    const small = await call(t, 'POST', '/roles', {
      name: 'track-reader',
      description: 'reads Track',
      actions: ['api', 'track.view'],
    })
    assert.equal(small.statusCode, 201)
    assert.deepEqual(small.json<{ actions: string[] }>().actions, ['api', 'track.view'])
    assert.equal((await call(t, 'POST', '/roles', { name: 'track-reader', actions: [] })).statusCode, 409)
    const u = await newUser(t, 'reader', { roles: ['track-reader'] })
    assert.deepEqual(u.roles, ['track-reader'])
    const promote = await call(t, 'PATCH', `/users/${u.id}`, { roles: ['track-reader', 'api-integrator'] })
    assert.equal(promote.statusCode, 403)
    const roles = await call(t, 'GET', '/roles?limit=200')
    const names = roles.json<Page<{ name: string; builtIn: boolean }>>().items.map((r) => r.name)
    for (const n of ['administrator', 'api-integrator', 'recruitment-website', 'viewer', 'track-reader']) {
      assert.ok(names.includes(n), n)
    }
  })

  test('a token manager cannot take over a more powerful account', async () => {
    const t = await createTenant(h, {
      actions: ['api', 'admin.users.view', 'admin.users.manage', 'admin.users.tokens.manage'],
    })
    const boss = await t.service.createUser(
      t.id,
      { username: 'boss', password: 'pw-boss-abcdef', roles: ['administrator'] },
      { tenantId: t.id, kind: 'system', userId: null, tokenId: null, requestId: null },
    )
    assert.equal((await call(t, 'POST', `/users/${boss.id}/tokens`, { name: 'mine now' })).statusCode, 403)
    assert.equal(
      (await call(t, 'PATCH', `/users/${boss.id}`, { password: 'hijacked-abcdef' })).statusCode,
      403,
    )
  })

  test('every admin write is in the audit trail with its actor and request id', async () => {
    const t = await createTenant(h)
    const u = await newUser(t, 'frank')
    await call(t, 'PATCH', `/users/${u.id}`, { active: false, password: 'another-pw-abcdef' })
    const tok = (await call(t, 'POST', `/users/${u.id}/tokens`, { name: 'n' })).json<{ id: number }>()
    await call(t, 'DELETE', `/users/${u.id}/tokens/${tok.id}`)
    await call(t, 'POST', '/roles', { name: 'r1', actions: ['api'] })
    const rows = await h.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .where('actor_user_id', '=', t.userId)
      .orderBy('seq')
      .execute()
    assert.deepEqual(
      rows.map((r) => r.action),
      ['user.create', 'user.update', 'token.create', 'token.revoke', 'role.create'],
    )
    assert.ok(rows.every((r) => r.actor_kind === 'token' && r.request_id !== null))
    const update = rows[1]!
    assert.deepEqual(JSON.parse(update.before!), { active: true })
    assert.deepEqual(JSON.parse(update.after!), { active: false, passwordChanged: true })
    assert.ok(!rows.some((r) => `${r.before}${r.after}`.includes('another-pw-abcdef')))
  })
})
