import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type Harness } from '../../../test/support/harness.js'
import { recruitWorld, type RecruitWorld } from '../../../test/support/recruit.js'
import { systemActor } from '../audit/service.js'

/** A user of the tenant holding exactly these role actions, with Basic headers. */
async function userWith(h: Harness, w: RecruitWorld, name: string, actions: readonly string[]) {
  const db = h.database.db
  const role = await db
    .insertInto('roles')
    .values({
      tenant_id: w.admin.id,
      name: `role-${name}`,
      description: null,
      built_in: 0,
      created_at: '2026-01-01',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('role_actions')
    .values(actions.map((action) => ({ role_id: role.id, action })))
    .execute()
  const password = `${name}-password-long`
  const user = await w.admin.service.createUser(
    w.admin.id,
    { username: name, password, roles: [`role-${name}`], basicAuthEnabled: true },
    systemActor(w.admin.id),
  )
  return {
    id: user.id,
    headers: {
      authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
      customercode: w.admin.code,
    },
  }
}

onEveryDatabase('volunteer-site restrictions follow the grant rule', (h) => {
  let w: RecruitWorld
  const MANAGER = ['api', 'admin.users.view', 'admin.users.manage']
  const put = (headers: Record<string, string>, userId: number, siteIds: number[]) =>
    h.app.inject({
      method: 'PUT',
      url: `/api/v1/volunteer-site-restrictions/${userId}`,
      headers,
      payload: { siteIds },
    })
  const state = async (userId: number) => ({
    sites: await h.database.db
      .selectFrom('recruit_staff_sites')
      .select('site_id')
      .where('user_id', '=', userId)
      .execute(),
    audit: await h.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'user.recruit-sites.update')
      .where('entity_id', '=', String(userId))
      .execute(),
  })

  test('setup: a clinic', async () => {
    w = await recruitWorld(h)
  })

  test('a user manager cannot restrict an administrator (403); nothing changes', async () => {
    const manager = await userWith(h, w, 'manager', MANAGER)
    const before = await state(w.admin.userId)
    const res = await put(manager.headers, w.admin.userId, [2])
    assert.equal(res.statusCode, 403, res.body)
    assert.match(res.body, /role actions you do not hold/)
    assert.deepEqual(await state(w.admin.userId), before)
    assert.equal((await h.app.inject({ url: '/api/v1/volunteers', headers: w.admin.basic })).statusCode, 200)
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
  })

  test('…but may restrict an account holding no more than they do, and an administrator may restrict anyone', async () => {
    const manager = await userWith(h, w, 'manager2', MANAGER)
    const nurse = await userWith(h, w, 'nurse', ['api', 'admin.users.view'])
    assert.equal((await put(manager.headers, nurse.id, [2])).statusCode, 200)
    assert.deepEqual((await state(nurse.id)).sites, [{ site_id: 2 }])
    assert.equal((await put(w.admin.basic, manager.id, [1])).statusCode, 200)
  })

  test("another tenant's user, or no user at all: 404, and nothing is written", async () => {
    const other = await createTenant(h)
    assert.equal((await put(w.admin.basic, other.userId, [2])).statusCode, 404)
    assert.deepEqual(await state(other.userId), { sites: [], audit: [] })
    assert.equal((await put(w.admin.basic, 2_000_000_000, [2])).statusCode, 404)
    assert.deepEqual(await state(2_000_000_000), { sites: [], audit: [] })
  })
})
