import assert from 'node:assert/strict'
import { test } from 'node:test'
import { IdentityService } from './service.js'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'

/** A unique index is the last word on a name: checks before the insert can race, the index cannot. */
onEveryDatabase('concurrent creates: one wins, the others are told Conflict', (h) => {
  /** Eight identical POSTs at once: their statuses, sorted. */
  const race = async (t: TestTenant, url: string, payload: object): Promise<number[]> => {
    const send = () => h.app.inject({ method: 'POST', url, headers: t.bearer, payload })
    const answers = await Promise.all(Array.from({ length: 8 }, send))
    return answers.map((r) => r.statusCode).sort()
  }
  const ONE_WINS = [201, 409, 409, 409, 409, 409, 409, 409]

  test('concurrent creates of one username: one 201, the others 409; one user and one audit record', async () => {
    const t = await createTenant(h)
    const payload = { username: 'racer', password: 'racer-password-1' }
    assert.deepEqual(await race(t, '/api/v1/admin/users', payload), ONE_WINS)
    const rows = await h.database.db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', t.id)
      .where('username', '=', 'racer')
      .execute()
    assert.equal(rows.length, 1)
    const audited = await h.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('tenant_id', '=', t.id)
      .where('action', '=', 'user.create')
      .where('entity_id', '=', String(rows[0]!.id))
      .execute()
    assert.equal(audited.length, 1)
    assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
  })

  test('concurrent creates of one role name: one 201, the others 409', async () => {
    const t = await createTenant(h)
    const payload = { name: 'racers', actions: ['studies.view'] }
    assert.deepEqual(await race(t, '/api/v1/admin/roles', payload), ONE_WINS)
    const roles = await h.database.db
      .selectFrom('roles')
      .select('id')
      .where('tenant_id', '=', t.id)
      .where('name', '=', 'racers')
      .execute()
    assert.equal(roles.length, 1)
  })

  test('concurrent creates of one tenant code: one tenant, the others Conflict', async () => {
    const service = new IdentityService(h.database.db)
    const code = `RACE${process.pid}${Date.now() % 100000}`
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => service.createTenant(code, 'Racing clinic')),
    )
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    for (const r of results) {
      if (r.status === 'rejected') assert.equal((r.reason as { kind?: string }).kind, 'conflict')
    }
    const tenant = await service.repo.findTenantByCode(code)
    assert.ok(tenant)
    // The losers left nothing behind: the winner's built-in roles only.
    const roles = await h.database.db
      .selectFrom('roles')
      .select('name')
      .where('tenant_id', '=', tenant.id)
      .execute()
    assert.equal(roles.length, new Set(roles.map((r) => r.name)).size)
  })
})
