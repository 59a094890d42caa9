import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'
import type { PlanDocument } from '../plans/schemas.js'
import { createBaselinePlan, trackClient } from '../../../test/support/track.js'

type Json = Record<string, unknown>

/** One provider with one cost per earned-value tracking level, at All Locations, two months. */
const costsPlan = (studyId: number): PlanDocument => {
  const periods = [
    { startDate: '2012-10-01', endDate: '2012-10-31', plannedValue: 100 },
    { startDate: '2012-11-01', endDate: '2012-11-30', plannedValue: 50.5 },
  ]
  const cost = (id: number, level: 'Enter AP only (sets AP to EV)' | 'Enter EV and AP' | 'Derived') => ({
    id,
    name: level,
    earnedValueTrackingLevel: level,
    locations: [{ locationId: 0, periods }],
  })
  return {
    studyId,
    name: 'costs',
    startDate: '2012-10-01',
    currency: 'USD',
    locations: [{ locationId: 0, name: 'All Locations' }],
    serviceProviders: [
      {
        id: 7,
        name: 'Sponsor',
        trackingLevel: 'Enter AP only',
        costs: [cost(1, 'Enter AP only (sets AP to EV)'), cost(2, 'Enter EV and AP'), cost(3, 'Derived')],
      },
    ],
  }
}

interface CostPeriod {
  startDate: string
  endDate: string
  plannedValue: number
  earnedValue: number | null
  actualValue: number | null
}
const periodsOf = (body: Json): Omit<CostPeriod, 'startDate' | 'endDate'>[][] =>
  (
    body.actualCosts as {
      serviceProvider: { cost: { location: { periods: CostPeriod[] }[] }[] }[]
    }
  ).serviceProvider[0]!.cost.map((c) =>
    c.location[0]!.periods.map(({ startDate: _s, endDate: _e, ...v }) => v),
  )

onEveryDatabase('Track API write rules', (h) => {
  test('many concurrent POSTs carrying the same lockToken: exactly one wins, the others get 409', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'sites')
    const track = trackClient(h, t)
    const token = (await track.get(planId, 'sites')).json<{ actualSites: { lockToken: number } }>()
      .actualSites.lockToken
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        track.post(planId, 'sites', {
          actualSites: {
            lockToken: token,
            location: [{ locationId: 100, periods: [{ date: '15-Apr-2010', actualValue: i + 1 }] }],
          },
        }),
      ),
    )
    const codes = results.map((r) => r.statusCode)
    assert.equal(codes.filter((c) => c === 200).length, 1, codes.join(','))
    assert.equal(codes.filter((c) => c === 409).length, 15, codes.join(','))
    const winner = results.find((r) => r.statusCode === 200)!
    const now = await track.get(planId, 'sites')
    assert.equal(now.body, winner.body)
  })

  test('every successful POST is audited with the periods it changed', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'sites')
    const track = trackClient(h, t)
    const token = (await track.get(planId, 'sites')).json<{ actualSites: { lockToken: number } }>()
      .actualSites.lockToken
    const res = await track.post(planId, 'sites', {
      actualSites: {
        lockToken: token,
        location: [
          {
            locationId: 123,
            periods: [
              { date: '01-Apr-2010', actualValue: 3 },
              { date: '08-Apr-2010', actualValue: null },
            ],
          },
        ],
      },
    })
    assert.equal(res.statusCode, 200)
    const rows = await h.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .where('action', '=', 'track.actuals.update')
      .execute()
    assert.equal(rows.length, 1)
    const row = rows[0]!
    assert.equal(row.entity_type, 'plan.sites')
    assert.equal(row.entity_id, String(planId))
    assert.equal(row.actor_user_id, t.userId)
    assert.deepEqual(JSON.parse(row.after ?? 'null'), {
      lockToken: res.json<{ actualSites: { lockToken: number } }>().actualSites.lockToken,
      periods: [{ locationId: 123, date: '01-Apr-2010', actual: '3' }],
    })
    assert.deepEqual(JSON.parse(row.before ?? 'null'), {
      lockToken: token,
      periods: [{ locationId: 123, date: '01-Apr-2010', actual: null }],
    })
  })

  test('costs: "Enter AP only" sets EV to the actual, "Enter EV and AP" takes both, "Derived" is read-only', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, costsPlan)
    const track = trackClient(h, t)
    const got = await track.get(planId, 'costs')
    assert.equal(got.statusCode, 200)
    const start = periodsOf(got.json())
    assert.deepEqual(
      start[2]![0],
      { plannedValue: 100, earnedValue: 100, actualValue: null },
      'Derived EV = PV',
    )
    const token = got.json<{ actualCosts: { lockToken: number } }>().actualCosts.lockToken
    const post = (costs: Json[], lockToken = token) =>
      track.post(planId, 'costs', { actualCosts: { lockToken, serviceProvider: [{ id: 7, cost: costs }] } })
    const cost = (id: number, period: Json) => ({ id, location: [{ locationId: 0, periods: [period] }] })
    const bad = await post([
      cost(1, { startDate: '01-Oct-2012', actualValue: 80, earnedValue: 10 }),
      cost(3, { startDate: '01-Oct-2012', actualValue: 80, earnedValue: 10 }),
    ])
    assert.equal(bad.statusCode, 400)
    const message = bad.json<{ error: { message: string } }>().error.message
    assert.match(
      message,
      /serviceProvider\[0\]\.cost\[0\]\.location\[0\]\.periods\[0\]\.earnedValue: .*follows the actual/,
    )
    assert.match(
      message,
      /serviceProvider\[0\]\.cost\[1\]\.location\[0\]\.periods\[0\]\.earnedValue: .*derived/,
    )
    const ok = await post([
      cost(1, { startDate: '01-Oct-2012', actualValue: 80 }),
      cost(2, { startDate: '01-Oct-2012', actualValue: 80, earnedValue: 60.25 }),
      cost(3, { startDate: '01-Oct-2012', actualValue: 80, earnedValue: 100 }),
    ])
    assert.equal(ok.statusCode, 200, ok.body)
    const after = periodsOf(ok.json())
    assert.deepEqual(after[0]![0], { plannedValue: 100, earnedValue: 80, actualValue: 80 })
    assert.deepEqual(after[1]![0], { plannedValue: 100, earnedValue: 60.25, actualValue: 80 })
    assert.deepEqual(after[2]![0], { plannedValue: 100, earnedValue: 100, actualValue: 80 })
    assert.match(ok.body, /"plannedValue":50\.5,"earnedValue":null,"actualValue":null/)
  })
})
