import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../../test/support/harness.js'

interface Role {
  id: number
  name: string
  description: string | null
  builtIn: boolean
  actions: string[]
}
interface Problem {
  detail: string
  errors?: { path: string; rule: string }[]
}

onEveryDatabase('admin API: editing custom roles', (h) => {
  const call = (
    t: Pick<TestTenant, 'bearer'>,
    method: 'GET' | 'POST' | 'PATCH',
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

  const newRole = async (t: TestTenant, name: string, actions: string[]) => {
    const res = await call(t, 'POST', '/roles', { name, actions })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<Role>()
  }

  const roleOf = async (t: TestTenant, name: string) => {
    const res = await call(t, 'GET', '/roles?limit=200')
    return res.json<{ items: Role[] }>().items.find((r) => r.name === name)!
  }

  test('a custom role is renamed and its actions replaced; its users hold the new ones at once', async () => {
    const t = await createTenant(h)
    const role = await newRole(t, 'desk', ['api'])
    const user = await call(t, 'POST', '/users', { username: 'clerk', roles: ['desk'] })
    const userId = user.json<{ id: number }>().id
    const token = await call(t, 'POST', `/users/${userId}/tokens`, { name: 'clerk' })
    const clerk = { bearer: { authorization: `Bearer ${token.json<{ secret: string }>().secret}` } }
    assert.equal((await call(clerk, 'GET', '/users')).statusCode, 403)

    const read = await call(t, 'GET', `/roles/${role.id}`)
    assert.equal(read.statusCode, 200)
    const etag = String(read.headers.etag)
    assert.match(etag, /^".+"$/)
    const res = await call(
      t,
      'PATCH',
      `/roles/${role.id}`,
      { name: 'front-desk', description: 'Reception staff', actions: ['api', 'admin.users.view'] },
      { 'if-match': etag },
    )
    assert.equal(res.statusCode, 200, res.body)
    const changed = res.json<Role>()
    assert.equal(changed.name, 'front-desk')
    assert.equal(changed.description, 'Reception staff')
    assert.deepEqual(changed.actions, ['admin.users.view', 'api'])
    assert.notEqual(res.headers.etag, etag)
    assert.equal((await call(clerk, 'GET', '/users')).statusCode, 200, 'the new action counts at once')
    const clerkNow = await call(t, 'GET', `/users/${userId}`)
    assert.deepEqual(clerkNow.json<{ roles: string[] }>().roles, ['front-desk'])

    const narrowed = await call(t, 'PATCH', `/roles/${role.id}`, { actions: ['api'] })
    assert.equal(narrowed.statusCode, 200)
    assert.equal((await call(clerk, 'GET', '/users')).statusCode, 403, 'a removed action stops at once')

    const audit = await h.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .where('action', '=', 'role.update')
      .orderBy('seq')
      .execute()
    assert.equal(audit.length, 2)
    assert.equal(audit[0]!.entity_id, String(role.id))
    assert.deepEqual(JSON.parse(audit[0]!.before!), { name: 'desk', description: null, actions: ['api'] })
    assert.deepEqual(JSON.parse(audit[0]!.after!), {
      name: 'front-desk',
      description: 'Reception staff',
      actions: ['admin.users.view', 'api'],
    })
    assert.deepEqual(JSON.parse(audit[1]!.before!), { actions: ['admin.users.view', 'api'] })
  })

  test('a stale If-Match is a 412 and changes nothing', async () => {
    const t = await createTenant(h)
    const role = await newRole(t, 'coordinator', ['track.view'])
    const etag = String((await call(t, 'GET', `/roles/${role.id}`)).headers.etag)
    assert.equal((await call(t, 'PATCH', `/roles/${role.id}`, { description: 'first' })).statusCode, 200)
    const stale = await call(
      t,
      'PATCH',
      `/roles/${role.id}`,
      { actions: ['track.view', 'track.edit'] },
      { 'if-match': etag },
    )
    assert.equal(stale.statusCode, 412)
    assert.deepEqual((await roleOf(t, 'coordinator')).actions, ['track.view'])
  })

  test('built-in roles cannot be changed, even by an administrator', async () => {
    const t = await createTenant(h)
    const viewer = await roleOf(t, 'viewer')
    const res = await call(t, 'PATCH', `/roles/${viewer.id}`, { actions: [] })
    assert.equal(res.statusCode, 409)
    assert.match(res.json<Problem>().detail, /built-in role viewer cannot be changed/)
    assert.notDeepEqual((await roleOf(t, 'viewer')).actions, [])
  })

  test('nobody adds to a role, or takes from it, an action they do not hold', async () => {
    const admin = await createTenant(h)
    // A role made by an administrator, holding an action the role manager below lacks.
    const wide = await newRole(admin, 'wide', ['track.view', 'track.edit'])
    const manager = await admin.service.createUser(
      admin.id,
      { username: 'rolemgr', password: 'pw-rolemgr-abcdef', roles: [] },
      { tenantId: admin.id, kind: 'system', userId: null, tokenId: null, requestId: null },
    )
    await newRole(admin, 'role-manager', ['api', 'admin.users.view', 'admin.roles.manage', 'track.view'])
    await call(admin, 'PATCH', `/users/${manager.id}`, { roles: ['role-manager'] })
    const secret = (await call(admin, 'POST', `/users/${manager.id}/tokens`, { name: 'm' })).json<{
      secret: string
    }>().secret
    const m = { bearer: { authorization: `Bearer ${secret}` } }

    const narrow = (await call(m, 'POST', '/roles', { name: 'narrow', actions: ['track.view'] })).json<Role>()
    const grant = await call(m, 'PATCH', `/roles/${narrow.id}`, { actions: ['track.view', 'track.edit'] })
    assert.equal(grant.statusCode, 403)
    assert.match(grant.json<Problem>().detail, /You cannot change the role narrow.*track\.edit/)
    const take = await call(m, 'PATCH', `/roles/${wide.id}`, { actions: ['track.view'] })
    assert.equal(take.statusCode, 403, 'removing track.edit from its users is refused too')
    const rename = await call(m, 'PATCH', `/roles/${wide.id}`, { name: 'mine' })
    assert.equal(rename.statusCode, 403)
    assert.deepEqual((await roleOf(admin, 'wide')).actions, ['track.edit', 'track.view'])
    assert.equal((await call(m, 'PATCH', `/roles/${narrow.id}`, { description: 'ok' })).statusCode, 200)
  })

  test('a taken name is a 409; a bad body is a 422; no such role is a 404; the action is required', async () => {
    const t = await createTenant(h)
    const a = await newRole(t, 'alpha', [])
    await newRole(t, 'beta', [])
    assert.equal((await call(t, 'PATCH', `/roles/${a.id}`, { name: 'beta' })).statusCode, 409)
    assert.equal((await call(t, 'PATCH', `/roles/${a.id}`, { name: 'viewer' })).statusCode, 409)
    const unknown = await call(t, 'PATCH', `/roles/${a.id}`, { actions: ['no.such.action'] })
    assert.equal(unknown.statusCode, 422)
    assert.equal((await call(t, 'PATCH', `/roles/${a.id}`, {})).statusCode, 422)
    assert.equal((await call(t, 'PATCH', `/roles/${a.id}`, { name: ' spaced' })).statusCode, 422)
    assert.equal((await call(t, 'PATCH', `/roles/99999999`, { name: 'x' })).statusCode, 404)
    assert.equal((await call(t, 'GET', `/roles/99999999`)).statusCode, 404)

    const viewerOnly = await createTenant(h, { actions: ['api', 'admin.users.view'] })
    const own = await roleOf(viewerOnly, 'test-role')
    const refused = await call(viewerOnly, 'PATCH', `/roles/${own.id}`, { description: 'x' })
    assert.equal(refused.statusCode, 403)
  })

  test("another tenant's role is not found, and stays as it was", async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const role = await newRole(a, 'private', ['track.view'])
    assert.equal((await call(b, 'GET', `/roles/${role.id}`)).statusCode, 404)
    assert.equal((await call(b, 'PATCH', `/roles/${role.id}`, { actions: [] })).statusCode, 404)
    assert.deepEqual((await roleOf(a, 'private')).actions, ['track.view'])
  })
})
