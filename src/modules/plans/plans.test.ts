import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'
import { createStudy, trackClient } from '../../../test/support/track.js'
import { handWorkedPlan } from '../../../test/support/plans.js'

interface Summary {
  id: number
  isBaseline: boolean
  trackUrl: string | null
}

onEveryDatabase('plans API', (h) => {
  const api = (t: TestTenant, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.app.inject({
      method,
      url,
      headers: t.bearer,
      ...(payload === undefined ? {} : { payload: payload as object }),
    })

  test('a plan is created from one document, becomes the one baseline of its study, and is then fixed', async () => {
    const t = await createTenant(h)
    const studyId = await createStudy(h.database.db, t.id)
    const first = await api(t, 'POST', '/api/v1/plans', handWorkedPlan(studyId))
    assert.equal(first.statusCode, 201, first.body)
    const plan = first.json<Summary>()
    assert.equal(plan.isBaseline, false)
    const track = trackClient(h, t)
    assert.equal((await track.get(plan.id, 'units')).statusCode, 404, 'only baseline plans are trackable')
    const based = await api(t, 'POST', `/api/v1/plans/${plan.id}/baseline`)
    assert.equal(based.statusCode, 200)
    assert.equal(based.json<Summary>().trackUrl, `/cleartrial-ws/actuals/${plan.id}`)
    assert.equal((await track.get(plan.id, 'units')).statusCode, 200)
    const replaced = await api(t, 'PUT', `/api/v1/plans/${plan.id}`, handWorkedPlan(studyId))
    assert.equal(replaced.statusCode, 409)
    assert.match(replaced.body, /baseline/)

    const second = (await api(t, 'POST', '/api/v1/plans', handWorkedPlan(studyId))).json<Summary>()
    assert.equal(
      (await api(t, 'PUT', `/api/v1/plans/${second.id}`, { ...handWorkedPlan(studyId), name: 'v2' }))
        .statusCode,
      200,
    )
    await api(t, 'POST', `/api/v1/plans/${second.id}/baseline`)
    const list = await api(t, 'GET', `/api/v1/plans?studyId=${studyId}`)
    const items = list.json<{ items: Summary[] }>().items
    assert.deepEqual(
      items.map((p) => [p.id, p.isBaseline]),
      [
        [plan.id, false],
        [second.id, true],
      ],
    )
    assert.equal((await track.get(plan.id, 'units')).statusCode, 404)
  })

  test('a plan document with unknown locations, bad dates or percentages past 1 → 422 naming each', async () => {
    const t = await createTenant(h)
    const studyId = await createStudy(h.database.db, t.id)
    const doc = handWorkedPlan(studyId)
    const cro = doc.serviceProviders![0]!
    cro.majorTasks![0]!.locations[0]!.periods![1]!.plannedValue = 0.75
    cro.majorTasks![1]!.locations[0]!.locationId = 9
    cro.fees![0]!.locations[0]!.periods![0]!.endDate = '2012-09-30'
    doc.weekly = { sites: [{ locationId: 1, periods: [{ date: '2012-02-30', plannedValue: -1 }] }] }
    const res = await api(t, 'POST', '/api/v1/plans', doc)
    assert.equal(res.statusCode, 422)
    const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)
    for (const path of [
      '/body/serviceProviders/0/majorTasks/0/locations/0/periods',
      '/body/serviceProviders/0/majorTasks/1/locations/0/locationId',
      '/body/serviceProviders/0/fees/0/locations/0/periods/0/endDate',
      '/body/weekly/sites/0/periods/0/plannedValue',
    ]) {
      assert.ok(paths.includes(path), `${path} not in ${paths.join(', ')}`)
    }
    const plans = await h.database.db.selectFrom('plans').select('id').where('tenant_id', '=', t.id).execute()
    assert.equal(plans.length, 0)
  })

  test('plans of one study made baseline at once: each 200 or 409, and one baseline after', async () => {
    const t = await createTenant(h)
    const studyId = await createStudy(h.database.db, t.id)
    const plans: Summary[] = []
    for (let i = 0; i < 4; i++) {
      plans.push((await api(t, 'POST', '/api/v1/plans', handWorkedPlan(studyId))).json<Summary>())
    }
    const answers = await Promise.all(plans.map((p) => api(t, 'POST', `/api/v1/plans/${p.id}/baseline`)))
    for (const r of answers) assert.ok([200, 409].includes(r.statusCode), `${r.statusCode} ${r.body}`)
    assert.ok(answers.some((r) => r.statusCode === 200))
    const baselines = await h.database.db
      .selectFrom('plans')
      .select('id')
      .where('study_id', '=', studyId)
      .where('is_baseline', '=', 1)
      .execute()
    assert.equal(baselines.length, 1)
  })

  test('another tenant can neither see a plan nor create one in a study it does not own', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const studyId = await createStudy(h.database.db, a.id)
    const plan = (await api(a, 'POST', '/api/v1/plans', handWorkedPlan(studyId))).json<Summary>()
    assert.equal((await api(b, 'GET', `/api/v1/plans/${plan.id}`)).statusCode, 404)
    assert.equal((await api(b, 'POST', `/api/v1/plans/${plan.id}/baseline`)).statusCode, 404)
    assert.equal((await api(b, 'POST', '/api/v1/plans', handWorkedPlan(studyId))).statusCode, 404)
    assert.equal((await api(b, 'GET', `/api/v1/plans/${plan.id}/performance`)).statusCode, 404)
  })
})
