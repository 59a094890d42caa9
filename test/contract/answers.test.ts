import assert from 'node:assert/strict'
import { test } from 'node:test'
import { handWorkedPlan } from '../support/plans.js'
import { createBaselinePlan } from '../support/track.js'
import { createTenant, onEveryDatabase } from '../support/harness.js'

type Json = Record<string, unknown>

onEveryDatabase('answers as an integrator expects', (h) => {
  test('actualsPlanUrl from /cleartrial-ws/studies resolves to the plan’s actuals resources, in JSON and XML', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, handWorkedPlan)
    const get = (url: string, accept = 'application/json') =>
      h.app.inject({ url, headers: { ...t.basic, accept } })
    const study = (await get('/cleartrial-ws/studies')).json<{ List: Json[] }>().List[0]
    const url = String(study?.actualsPlanUrl)
    const res = await get(url)
    assert.equal(res.statusCode, 200)
    const actuals = res.json<{ actuals: { planId: number; resource: { name: string; url: string }[] } }>()
      .actuals
    assert.equal(actuals.planId, planId)
    assert.deepEqual(
      actuals.resource.map((r) => r.name),
      ['sites', 'subjects', 'crfs', 'units', 'fees', 'costs'],
    )
    for (const r of actuals.resource) assert.equal((await get(r.url)).statusCode, 200, r.url)
    const xml = await get(url, 'application/xml')
    assert.match(
      xml.body,
      new RegExp(
        `<actuals><planId>${planId}</planId>.*<resource><name>sites</name><url>${url}/sites</url></resource>`,
      ),
    )

    const other = await createTenant(h)
    const cross = await h.app.inject({ url, headers: { ...other.basic, accept: 'application/json' } })
    assert.equal(cross.statusCode, 404)
    assert.equal((await get('/cleartrial-ws/actuals/999999999')).statusCode, 404)
    assert.equal((await get('/cleartrial-ws/actuals/abc')).statusCode, 400)
  })

  test('a bodiless DELETE with a Content-Type is fine', async () => {
    const t = await createTenant(h)
    const created = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${t.userId}/tokens`,
      headers: t.bearer,
      payload: { name: 'to revoke' },
    })
    assert.equal(created.statusCode, 201)
    const id = created.json<{ id: number }>().id
    const res = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${t.userId}/tokens/${id}`,
      headers: { ...t.bearer, 'content-type': 'application/json' },
    })
    assert.equal(res.statusCode, 204)
  })

  test('the 406 message lists each media type once', async () => {
    const t = await createTenant(h)
    const res = await h.app.inject({
      url: '/cleartrial-ws/studies',
      headers: { ...t.basic, accept: 'text/html' },
    })
    assert.equal(res.statusCode, 406)
    const message = res.json<{ error: { message: string } }>().error.message
    assert.equal(message.match(/application\/xml/g)?.length, 1, message)
    assert.match(message, /application\/json, application\/xml, text\/xml/)
  })
})
