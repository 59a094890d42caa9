import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseXml } from '../../http/content.js'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'
import { ROOT_NAMES, TRACK_XML_ARRAYS } from './model.js'
import { TRACK_RESOURCES, type TrackResource } from '../plans/repository.js'
import { createBaselinePlan, readFixture, trackClient } from '../../../test/support/track.js'

type Json = Record<string, unknown>

/** The fixture as this plan would show it: its own lockToken, planId and url. */
function expected(fixture: Json, resource: TrackResource, planId: number, lockToken: unknown): Json {
  const root = ROOT_NAMES[resource]
  const rep = fixture[root] as Json
  return {
    [root]: { ...rep, lockToken, planId, url: `/cleartrial-ws/actuals/${planId}/${resource}` },
  }
}

const tokenOf = (body: Json, resource: TrackResource): number =>
  (body[ROOT_NAMES[resource]] as { lockToken: number }).lockToken

onEveryDatabase('Track API actuals', (h) => {
  for (const resource of TRACK_RESOURCES) {
    test(`${resource}: POSTing the fixture stores it, echoes it with a new lockToken, and GET shows the same`, async () => {
      const t = await createTenant(h)
      const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, resource)
      const track = trackClient(h, t)
      const got = await track.get(planId, resource)
      assert.equal(got.statusCode, 200)
      const token = tokenOf(got.json(), resource)
      const fixture = readFixture(resource)
      const posted = await track.post(planId, resource, expected(fixture, resource, planId, token))
      assert.equal(posted.statusCode, 200, posted.body)
      const newToken = tokenOf(posted.json(), resource)
      assert.notEqual(newToken, token)
      assert.deepEqual(posted.json(), expected(fixture, resource, planId, newToken))
      const again = await track.get(planId, resource)
      assert.equal(again.body, posted.body)
      if (resource === 'units') assert.match(again.body, /"plannedValue":1\.0,/)
      if (resource === 'sites') assert.match(again.body, /"plannedValue":3,"actualValue":0\}/)
    })

    test(`${resource}: XML round trip keeps every array and value`, async () => {
      const t = await createTenant(h)
      const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, resource)
      const track = trackClient(h, t)
      const got = await track.get(planId, resource, 'application/xml')
      assert.equal(got.statusCode, 200)
      assert.match(String(got.headers['content-type']), /application\/xml/)
      const parsed = parseXml(got.body, { arrays: TRACK_XML_ARRAYS }) as Json
      const token = tokenOf(parsed, resource)
      const fixture = readFixture(resource)
      const posted = await track.post(planId, resource, expected(fixture, resource, planId, token), 'xml')
      assert.equal(posted.statusCode, 200, posted.body)
      const back = parseXml(posted.body, { arrays: TRACK_XML_ARRAYS }) as Json
      // The XML reader trims text; the server writes names exactly ("Call Center " keeps its space).
      const trimmed = JSON.parse(
        JSON.stringify(expected(fixture, resource, planId, tokenOf(back, resource)), (k, v) =>
          k === 'name' && typeof v === 'string' ? v.trim() : (v as unknown),
        ),
      ) as Json
      assert.deepEqual(back, trimmed)
      if (resource === 'costs') assert.match(posted.body, /<name>Call Center <\/name>/)
      const json = await track.get(planId, resource)
      assert.deepEqual(json.json(), expected(fixture, resource, planId, tokenOf(back, resource)))
    })
  }

  test('a stale or missing lockToken gets 409 telling to GET again, and changes nothing', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'sites')
    const track = trackClient(h, t)
    const first = (await track.get(planId, 'sites')).json<Json>()
    const body = (token: unknown, value: number) => ({
      actualSites: {
        lockToken: token,
        location: [{ locationId: 100, periods: [{ date: '15-Apr-2010', actualValue: value }] }],
      },
    })
    const ok = await track.post(planId, 'sites', body(tokenOf(first, 'sites'), 4))
    assert.equal(ok.statusCode, 200)
    const stale = await track.post(planId, 'sites', body(tokenOf(first, 'sites'), 5))
    assert.equal(stale.statusCode, 409)
    const err = stale.json<{ error: { errorCode: string; message: string } }>().error
    assert.equal(err.errorCode, 'Conflict')
    assert.match(err.message, /GET \/cleartrial-ws\/actuals\/\d+\/sites again/)
    const missing = await track.post(planId, 'sites', body(undefined, 5))
    assert.equal(missing.statusCode, 409)
    assert.match(missing.json<{ error: { message: string } }>().error.message, /missing/)
    const now = (await track.get(planId, 'sites')).body
    assert.equal(now, ok.body)
    assert.match(now, /"date":"15-Apr-2010","plannedValue":5,"actualValue":4/)
  })

  test('periods left out stay as they were, null clears one, read-only fields are ignored', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'subjects')
    const track = trackClient(h, t)
    const token = tokenOf((await track.get(planId, 'subjects')).json(), 'subjects')
    const set = await track.post(planId, 'subjects', {
      actualSubjects: {
        lockToken: token,
        location: [
          {
            locationId: 100,
            locationName: 'Renamed',
            periods: [
              { date: '01-Apr-2010', plannedValue: 99, actualValue: 1 },
              { date: '08-Apr-2010', actualValue: 2 },
            ],
          },
        ],
      },
    })
    assert.equal(set.statusCode, 200, set.body)
    const cleared = await track.post(planId, 'subjects', {
      actualSubjects: {
        lockToken: tokenOf(set.json(), 'subjects'),
        location: [{ locationId: 100, periods: [{ date: '01-Apr-2010', actualValue: null }] }],
      },
    })
    assert.equal(cleared.statusCode, 200)
    const usa = (
      cleared.json<Json>().actualSubjects as { location: { locationName: string; periods: Json[] }[] }
    ).location[0]!
    assert.equal(usa.locationName, 'USA')
    assert.deepEqual(usa.periods[0], { date: '01-Apr-2010', plannedValue: 3, actualValue: null })
    assert.deepEqual(usa.periods[1], { date: '08-Apr-2010', plannedValue: 4, actualValue: 2 })
  })

  test('every invalid field is reported together with 400, naming it, and nothing is written', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'crfs')
    const track = trackClient(h, t)
    const before = await track.get(planId, 'crfs')
    const res = await track.post(planId, 'crfs', {
      actualCrfs: {
        lockToken: tokenOf(before.json(), 'crfs'),
        location: [
          {
            locationId: 100,
            periods: [
              { date: '01-Apr-2010', actualValue: 7 },
              { actualValue: 1 },
              { date: '2010-04-08', actualValue: 1 },
              { date: '31-Feb-2010', actualValue: 1 },
              { date: '02-Apr-2010', actualValue: 1 },
              { date: '15-Apr-2010', actualValue: -1 },
              { date: '08-Apr-2010', actualValue: 'many' },
            ],
          },
          { periods: [] },
          { locationId: 999, periods: [{ date: '01-Apr-2010', actualValue: 1 }] },
        ],
      },
    })
    assert.equal(res.statusCode, 400)
    const { errorCode, message } = res.json<{ error: { errorCode: string; message: string } }>().error
    assert.equal(errorCode, 'Bad Request')
    assert.match(message, /^The following validation errors occurred: \[/)
    for (const expectedText of [
      'actualCrfs.location[0].periods[1].date: Field cannot be empty',
      "actualCrfs.location[0].periods[2].date: Date is invalid: '2010-04-08' is not in the format dd-MMM-yyyy",
      "actualCrfs.location[0].periods[3].date: Date is invalid: '31-Feb-2010' is not a real date",
      'actualCrfs.location[0].periods[4].date: Date is invalid: 02-Apr-2010 is not a period of plan',
      'actualCrfs.location[0].periods[5].actualValue: Value of the field has to be a number of at least 0',
      'actualCrfs.location[0].periods[6].actualValue: Value of the field has to be',
      'actualCrfs.location[1].locationId: Field cannot be empty',
      'actualCrfs.location[2].locationId: Unknown location 999',
    ]) {
      assert.ok(message.includes(expectedText), `${expectedText}\n  not in\n${message}`)
    }
    const after = await track.get(planId, 'crfs')
    assert.equal(after.body, before.body)
  })

  test('units: percentage-tracked values must lie in 0–1 and not add up past 1; unknown ids are named', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, 'units')
    const track = trackClient(h, t)
    const before = await track.get(planId, 'units')
    const task = (id: number, locationId: number, periods: Json[]) => ({
      id,
      location: [{ locationId, periods }],
    })
    const res = await track.post(planId, 'units', {
      actualUnits: {
        lockToken: tokenOf(before.json(), 'units'),
        serviceProvider: [
          {
            id: 10104,
            majorTask: [
              task(2, 0, [{ startDate: '01-Oct-2012', actualValue: 1.5 }]),
              task(3, 0, [
                { startDate: '01-Oct-2012', actualValue: 0.7 },
                { startDate: '01-Nov-2012', actualValue: 0.4 },
              ]),
              task(61, 0, [{ startDate: '01-Oct-2012', actualValue: 3 }]),
              task(777, 0, []),
              task(31, 158, []),
            ],
          },
          { id: 4242, majorTask: [] },
        ],
      },
    })
    assert.equal(res.statusCode, 400)
    const { message } = res.json<{ error: { message: string } }>().error
    for (const text of [
      'actualUnits.serviceProvider[0].majorTask[0].location[0].periods[0].actualValue: Value of the field has to be between 0 and 1',
      'actualUnits.serviceProvider[0].majorTask[1].location[0].periods: Value of the field has to be in the range 0 to 1 in total',
      'actualUnits.serviceProvider[0].majorTask[3].id: Unknown major task 777',
      'actualUnits.serviceProvider[0].majorTask[4].location[0].locationId: Unknown location 158',
      'actualUnits.serviceProvider[1].id: Unknown service provider 4242',
    ]) {
      assert.ok(message.includes(text), `${text}\n  not in\n${message}`)
    }
    assert.ok(
      !message.includes('majorTask[2]'),
      'a unit count above 1 is fine for a task not tracked as a percentage',
    )
    assert.equal((await track.get(planId, 'units')).body, before.body)
  })

  test('another tenant’s plan, and a plan that is not a baseline, answer 404', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, a.id, 'sites')
    const asB = trackClient(h, b)
    const res = await asB.get(planId, 'sites')
    assert.equal(res.statusCode, 404)
    assert.equal(res.json<{ error: { errorCode: string } }>().error.errorCode, 'Not Found')
    const post = await asB.post(planId, 'sites', { actualSites: { lockToken: 1 } })
    assert.equal(post.statusCode, 404)
    await h.database.db.updateTable('plans').set({ is_baseline: 0 }).where('id', '=', planId).execute()
    assert.equal((await trackClient(h, a).get(planId, 'sites')).statusCode, 404)
  })

  test('track.view may read but not write; without it, not even read', async () => {
    const owner = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, owner.id, 'sites')
    const viewer = await createTenant(h, { actions: ['api', 'track.view'] })
    await h.database.db.updateTable('plans').set({ tenant_id: viewer.id }).where('id', '=', planId).execute()
    for (const table of ['plan_locations', 'plan_weekly_values', 'plan_lock_tokens'] as const) {
      await h.database.db
        .updateTable(table)
        .set({ tenant_id: viewer.id })
        .where('plan_id', '=', planId)
        .execute()
    }
    const asViewer = trackClient(h, viewer)
    const got = await asViewer.get(planId, 'sites')
    assert.equal(got.statusCode, 200)
    const post = await asViewer.post(planId, 'sites', got.json())
    assert.equal(post.statusCode, 403)
    const nobody = await createTenant(h, { actions: ['api'] })
    assert.equal((await trackClient(h, nobody).get(planId, 'sites')).statusCode, 403)
  })
})
