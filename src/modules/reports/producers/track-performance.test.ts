import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { handWorkedPlan } from '../../../../test/support/plans.js'
import type { Performance } from '../../plans/performance/schemas.js'
import { createBaselinePlan, createStudy } from '../../../../test/support/track.js'

type Row = Record<string, string | number | null>

onEveryDatabase('track-performance report', (h) => {
  test("rows carry the baseline plan's earned value for the plan, each provider and each location", async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, handWorkedPlan)
    const { study_id: studyId } = await h.database.db
      .selectFrom('plans')
      .select('study_id')
      .where('id', '=', planId)
      .executeTakeFirstOrThrow()
    const perf = (
      await h.app.inject({
        url: `/api/v1/plans/${planId}/performance?statusDate=2012-10-15`,
        headers: t.bearer,
      })
    ).json<Performance>()
    const res = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=track-performance&studyId=${studyId}&dateTo=2012-10-15&format=json`,
      headers: t.bearer,
    })
    assert.equal(res.statusCode, 200, res.body)
    const rows = res.json<Row[]>()
    assert.deepEqual(
      rows.map((r) => [r.LEVEL, r.ID]),
      [
        ['plan', planId],
        ...perf.serviceProviders.map((p) => ['serviceProvider', p.id]),
        ...perf.locations.map((l) => ['location', l.locationId]),
      ],
    )
    const plan = rows[0]!
    assert.equal(plan.STATUS_DATE, '2012-10-15')
    assert.deepEqual(
      [plan.BAC, plan.PV, plan.EV, plan.AC, plan.SPI, plan.PERCENT_COMPLETE],
      [perf.plan.bac, perf.plan.pv, perf.plan.ev, perf.plan.ac, perf.plan.spi, perf.plan.percentComplete],
    )
    assert.equal(plan.BAC, 1900)
    assert.equal(plan.PV, 850)
  })

  test('a study without a baseline plan → 422 naming the study; Track rights are needed', async () => {
    const t = await createTenant(h)
    const studyId = await createStudy(h.database.db, t.id)
    const none = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=track-performance&studyId=${studyId}`,
      headers: t.bearer,
    })
    assert.equal(none.statusCode, 422)
    assert.equal(none.json<{ errors: { path: string }[] }>().errors[0]?.path, 'studyId')
    const reporter = await createTenant(h, { actions: ['api', 'reports.run'] })
    const denied = await h.app.inject({
      url: `/api/v1/invokeReport?reportName=track-performance&studyId=${studyId}`,
      headers: reporter.bearer,
    })
    assert.equal(denied.statusCode, 403)
  })
})
