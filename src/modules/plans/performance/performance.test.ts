import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { createBaselinePlan, trackClient } from '../../../../test/support/track.js'
import { handWorkedPlan } from '../../../../test/support/plans.js'
import type { Performance } from './schemas.js'

const period = (startDate: string, actualValue: number, extra: Record<string, unknown> = {}) => ({
  startDate,
  actualValue,
  ...extra,
})

onEveryDatabase('earned value', (h) => {
  test('figures at a status date match the ones worked out by hand (README, "Earned value")', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, handWorkedPlan)
    const track = trackClient(h, t)
    const post = async (resource: 'units' | 'fees' | 'costs', providers: unknown[]) => {
      const root = { units: 'actualUnits', fees: 'actualFees', costs: 'actualCosts' }[resource]
      const token = (await track.get(planId, resource)).json<Record<string, { lockToken: number }>>()[root]!
        .lockToken
      const res = await track.post(planId, resource, {
        [root]: { lockToken: token, serviceProvider: providers },
      })
      assert.equal(res.statusCode, 200, res.body)
    }
    await post('units', [
      {
        id: 1,
        majorTask: [
          { id: 10, location: [{ locationId: 0, periods: [period('01-Oct-2012', 0.4)] }] },
          { id: 11, location: [{ locationId: 1, periods: [period('01-Oct-2012', 3)] }] },
        ],
      },
    ])
    await post('fees', [
      { id: 1, majorTask: [{ id: 0, location: [{ locationId: 0, periods: [period('01-Oct-2012', 700)] }] }] },
    ])
    await post('costs', [
      {
        id: 2,
        cost: [
          { id: 20, location: [{ locationId: 0, periods: [period('01-Oct-2012', 120)] }] },
          { id: 21, location: [{ locationId: 1, periods: [period('01-Oct-2012', 40)] }] },
        ],
      },
    ])
    const res = await h.app.inject({
      url: `/api/v1/plans/${planId}/performance?statusDate=2012-10-15`,
      headers: t.bearer,
    })
    assert.equal(res.statusCode, 200, res.body)
    const perf = res.json<Performance>()
    assert.deepEqual(perf.plan, {
      bac: 1900,
      pv: 850,
      ev: 870,
      ac: 860,
      sv: 20,
      cv: 10,
      spi: 1.023529,
      cpi: 1.011628,
      eac: 1878.16,
      etc: 1018.16,
      vac: 21.84,
      tcpi: 0.990385,
      percentComplete: 0.457895,
    })
    const byProvider = Object.fromEntries(perf.serviceProviders.map((p) => [p.id, [p.bac, p.pv, p.ev, p.ac]]))
    assert.deepEqual(byProvider, { 1: [1600, 700, 700, 700], 2: [300, 150, 170, 160] })
    const byLocation = Object.fromEntries(
      perf.locations.map((l) => [l.locationId, [l.bac, l.pv, l.ev, l.ac]]),
    )
    assert.deepEqual(byLocation, { 0: [1200, 600, 520, 820], 1: [700, 250, 350, 40] })
    assert.deepEqual(perf.series, [
      { startDate: '2012-10-01', endDate: '2012-10-31', pv: 850, ev: 870, ac: 860 },
      { startDate: '2012-11-01', endDate: '2012-11-30', pv: 1900, ev: null, ac: null },
    ])
  })

  test('before anything is planned or done, indices are null rather than infinite', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, handWorkedPlan)
    const res = await h.app.inject({
      url: `/api/v1/plans/${planId}/performance?statusDate=2012-01-01`,
      headers: t.bearer,
    })
    const perf = res.json<Performance>()
    assert.equal(perf.plan.pv, 0)
    assert.equal(perf.plan.spi, null)
    assert.equal(perf.plan.cpi, null)
    assert.equal(perf.plan.eac, 1900)
    const bad = await h.app.inject({
      url: `/api/v1/plans/${planId}/performance?statusDate=2012-13-01`,
      headers: t.bearer,
    })
    assert.equal(bad.statusCode, 422)
  })
})
