import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../../test/support/harness.js'

interface UserItem {
  id: number
  username: string
  displayName: string | null
  roles: string[]
  locked: boolean
  lastLoginAt: string | null
}
interface Settings {
  code: string
  recruitEnabled: boolean
  rateLimitMax: number | null
  defaultRateLimitMax: number
}

/** What the web app's administration screens read and change, beyond the admin API's basics. */
onEveryDatabase('admin screens: user search, tenant settings, audit verification', (h) => {
  const get = (t: Pick<TestTenant, 'bearer'>, url: string) => h.app.inject({ url, headers: t.bearer })

  test('users: ?q= finds by part of username or display name, any case; with locked and lastLoginAt', async () => {
    const t = await createTenant(h)
    for (const [username, displayName] of [
      ['alice', 'Alice Liddell'],
      ['bob', 'Robert 100%_Smith'],
      ['carol', null],
    ] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: t.bearer,
        payload: { username, password: 'a-long-password-1', displayName },
      })
      assert.equal(res.statusCode, 201)
    }
    const names = async (q: string) =>
      (await get(t, `/api/v1/admin/users?q=${encodeURIComponent(q)}`))
        .json<{ items: UserItem[] }>()
        .items.map((u) => u.username)
    assert.deepEqual(await names('ALI'), ['alice'])
    assert.deepEqual(await names('liddell'), ['alice'])
    assert.deepEqual(await names('100%_'), ['bob'])
    assert.deepEqual(await names('%'), ['bob'], '% is a character, not a wildcard')
    assert.deepEqual(await names('_'), ['bob'])
    assert.deepEqual(await names('zzz'), [])
    assert.equal((await names('')).length, 4)
    const until = new Date(Date.now() + 60_000).toISOString()
    await h.database.db
      .updateTable('users')
      .set({ locked_until: until })
      .where('username', '=', 'carol')
      .execute()
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { username: t.username, password: t.password, customerCode: t.code },
    })
    const items = (await get(t, '/api/v1/admin/users')).json<{ items: UserItem[] }>().items
    const by = new Map(items.map((u) => [u.username, u]))
    assert.equal(by.get('carol')?.locked, true)
    assert.equal(by.get('alice')?.locked, false)
    assert.equal(by.get('alice')?.lastLoginAt, null)
    assert.ok(by.get(t.username)?.lastLoginAt)
    assert.deepEqual(by.get(t.username)?.roles, ['administrator'])
    const tooLong = await get(t, `/api/v1/admin/users?q=${'x'.repeat(201)}`)
    assert.equal(tooLong.statusCode, 422)
    const other = await createTenant(h)
    const mine = (await get(other, '/api/v1/admin/users?q=ali')).json<{ items: UserItem[] }>().items
    assert.deepEqual(mine, [], "another tenant's users are never found")
  })

  test('tenant settings: read by anyone signed in, changed with admin.tenant.manage, audited', async () => {
    const t = await createTenant(h)
    const settings = await get(t, '/api/v1/admin/tenant')
    assert.equal(settings.statusCode, 200)
    assert.deepEqual(settings.json<Settings>(), {
      code: t.code,
      name: `Test tenant ${t.code}`,
      recruitEnabled: true,
      rateLimitMax: null,
      defaultRateLimitMax: 1200,
      rateLimitWindowSeconds: 60,
    })
    const patch = (who: TestTenant, payload: unknown) =>
      h.app.inject({
        method: 'PATCH',
        url: '/api/v1/admin/tenant',
        headers: who.bearer,
        payload: payload as object,
      })
    const changed = await patch(t, { recruitEnabled: false, rateLimitMax: 600 })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json<Settings>().recruitEnabled, false)
    assert.equal(changed.json<Settings>().rateLimitMax, 600)
    assert.equal((await get(t, '/api/v1/admin/tenant')).json<Settings>().rateLimitMax, 600)
    const back = await patch(t, { rateLimitMax: null })
    assert.equal(back.json<Settings>().rateLimitMax, null)
    const audit = (await get(t, '/api/v1/audit?action=tenant.settings')).json<{
      items: { before: Settings; after: Settings }[]
    }>().items
    assert.equal(audit.length, 2)
    const first = audit[1]
    assert.ok(first)
    assert.equal(first.before.recruitEnabled, true)
    assert.equal(first.after.recruitEnabled, false)

    for (const bad of [
      {},
      { rateLimitMax: 0 },
      { rateLimitMax: 1.5 },
      { rateLimitMax: 2_000_000 },
      { x: 1 },
    ]) {
      assert.equal((await patch(t, bad)).statusCode, 422, JSON.stringify(bad))
    }
    const viewer = await createTenant(h, { actions: ['api', 'admin.users.view'] })
    assert.equal((await get(viewer, '/api/v1/admin/tenant')).statusCode, 200)
    const refused = await patch(viewer, { recruitEnabled: false })
    assert.equal(refused.statusCode, 403)
    assert.match(refused.body, /admin\.tenant\.manage/)
    // Each caller reads and changes its own tenant only.
    assert.equal((await get(viewer, '/api/v1/admin/tenant')).json<Settings>().code, viewer.code)
    assert.equal((await get(viewer, '/api/v1/admin/tenant')).json<Settings>().recruitEnabled, true)
  })

  test("audit verification: this tenant's chain only; a tampered record is named", async () => {
    const t = await createTenant(h)
    const other = await createTenant(h)
    await get(t, '/api/v1/admin/tenant')
    const intact = await get(t, '/api/v1/audit/verification')
    assert.equal(intact.statusCode, 200)
    const ok = intact.json<{ ok: boolean; checkedRecords: number; firstBroken: null }>()
    assert.equal(ok.ok, true)
    assert.ok(ok.checkedRecords >= 3, String(ok.checkedRecords))
    assert.equal(ok.firstBroken, null)
    await h.database.db
      .updateTable('audit_log')
      .set({ after: '{"tampered":true}' })
      .where('tenant_id', '=', other.id)
      .where('seq', '=', 2)
      .execute()
    assert.equal((await get(t, '/api/v1/audit/verification')).json<{ ok: boolean }>().ok, true)
    const broken = (await get(other, '/api/v1/audit/verification')).json<{
      ok: boolean
      firstBroken: { seq: number; problem: string }
    }>()
    assert.equal(broken.ok, false)
    assert.equal(broken.firstBroken.seq, 2)
    assert.match(broken.firstBroken.problem, /hash/)
    const noAudit = await createTenant(h, { actions: ['api', 'admin.users.view'] })
    assert.equal((await get(noAudit, '/api/v1/audit/verification')).statusCode, 403)
  })
})
