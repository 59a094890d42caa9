import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../../test/support/harness.js'
import { DEFAULT_EV_THRESHOLDS, type EvThresholds } from './ev-thresholds.js'

interface Settings {
  code: string
  rateLimitMax: number | null
  evThresholds: EvThresholds
}

onEveryDatabase('tenant earned-value thresholds', (h) => {
  const get = (t: TestTenant) => h.app.inject({ url: '/api/v1/admin/tenant', headers: t.bearer })
  const patch = (t: TestTenant, payload: unknown) =>
    h.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/tenant',
      headers: t.bearer,
      payload: payload as object,
    })

  test('a tenant administrator changes one band; the others stay; null restores the defaults; audited', async () => {
    const t = await createTenant(h)
    assert.deepEqual((await get(t)).json<Settings>().evThresholds, DEFAULT_EV_THRESHOLDS)
    const changed = await patch(t, { evThresholds: { spi: { green: 1.02, amber: 0.97 } } })
    assert.equal(changed.statusCode, 200, changed.body)
    const expected = { ...DEFAULT_EV_THRESHOLDS, spi: { green: 1.02, amber: 0.97 } }
    assert.deepEqual(changed.json<Settings>().evThresholds, expected)
    assert.deepEqual((await get(t)).json<Settings>().evThresholds, expected)
    // Another setting changed later keeps the bands.
    assert.equal((await patch(t, { rateLimitMax: 500 })).statusCode, 200)
    assert.deepEqual((await get(t)).json<Settings>().evThresholds, expected)
    const tcpi = await patch(t, { evThresholds: { tcpi: { green: 1, amber: 1.2 } } })
    assert.deepEqual(tcpi.json<Settings>().evThresholds, { ...expected, tcpi: { green: 1, amber: 1.2 } })

    const audit = (
      await h.app.inject({ url: '/api/v1/audit?action=tenant.settings', headers: t.bearer })
    ).json<{ items: { before: Partial<Settings>; after: Partial<Settings> }[] }>().items
    const first = audit[audit.length - 1]
    assert.ok(first)
    assert.equal(first.before.evThresholds, undefined)
    assert.deepEqual(first.after.evThresholds, expected)

    const reset = await patch(t, { evThresholds: null })
    assert.deepEqual(reset.json<Settings>().evThresholds, DEFAULT_EV_THRESHOLDS)
    const row = await h.database.db
      .selectFrom('tenants')
      .select('settings')
      .where('id', '=', t.id)
      .executeTakeFirstOrThrow()
    assert.equal((JSON.parse(row.settings) as Partial<Settings>).evThresholds, undefined)
  })

  test('bands out of bounds or in the wrong order are a 422 naming the field, and change nothing', async () => {
    const t = await createTenant(h)
    const cases: [unknown, RegExp][] = [
      [{ spi: { green: 0.9, amber: 0.95 } }, /evThresholds\/spi\/amber/],
      [{ cpi: { green: 0.5, amber: 0.8 } }, /evThresholds\/cpi\/amber/],
      [{ tcpi: { green: 1.2, amber: 1.1 } }, /evThresholds\/tcpi\/amber/],
      [{ spi: { green: 11, amber: 0.9 } }, /green/],
      [{ spi: { green: -1, amber: 0.9 } }, /green/],
      [{ spi: { green: 1 } }, /amber/],
      [{ spi: { green: '1', amber: 0.9 } }, /green/],
      [{ spi: { green: 1, amber: 0.9, red: 0.5 } }, /red/],
      [{}, /evThresholds/],
      [{ sv: { green: 1, amber: 0.9 } }, /sv/],
    ]
    for (const [evThresholds, field] of cases) {
      const res = await patch(t, { evThresholds })
      assert.equal(res.statusCode, 422, JSON.stringify(evThresholds))
      assert.match(res.body, field, JSON.stringify(evThresholds))
    }
    assert.deepEqual((await get(t)).json<Settings>().evThresholds, DEFAULT_EV_THRESHOLDS)
  })

  test('only admin.tenant.manage changes them; each tenant has its own', async () => {
    const admin = await createTenant(h)
    const other = await createTenant(h)
    assert.equal((await patch(admin, { evThresholds: { cpi: { green: 1, amber: 0.99 } } })).statusCode, 200)
    assert.deepEqual((await get(other)).json<Settings>().evThresholds, DEFAULT_EV_THRESHOLDS)
    const viewer = await createTenant(h, { actions: ['api', 'track.view'] })
    const refused = await patch(viewer, { evThresholds: { cpi: { green: 1, amber: 0.99 } } })
    assert.equal(refused.statusCode, 403)
    assert.deepEqual((await get(viewer)).json<Settings>().evThresholds, DEFAULT_EV_THRESHOLDS)
  })
})
