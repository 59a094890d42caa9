import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseXml } from '../../../http/content.js'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { handWorkedPlan } from '../../../../test/support/plans.js'
import { createBaselinePlan } from '../../../../test/support/track.js'

type Json = Record<string, unknown>

onEveryDatabase('Track read resources', (h) => {
  test('studies point at their baseline plan; plans list their locations, providers, costs and enrolment', async () => {
    const t = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, (studyId) => ({
      ...handWorkedPlan(studyId),
      weekly: {
        subjects: [
          {
            locationId: 1,
            periods: [
              { date: '2012-10-04', plannedValue: 2 },
              { date: '2012-10-11', plannedValue: 3 },
            ],
          },
        ],
      },
    }))
    const get = (url: string, accept = 'application/json') =>
      h.app.inject({ url: `/cleartrial-ws${url}`, headers: { ...t.basic, accept } })
    const plan = (await get(`/plans/${planId}`)).json<{
      plan: { studyId: number; startDate: string; url: string }
    }>().plan
    assert.equal(plan.startDate, '01-Oct-2012')
    assert.equal(plan.url, `/cleartrial-ws/plans/${planId}`)
    const study = (await get(`/studies/${plan.studyId}`)).json<{ study: Json }>().study
    assert.equal(study.actualsPlanId, planId)
    assert.equal(study.actualsPlanUrl, `/cleartrial-ws/actuals/${planId}`)

    const list = (await get('/studies')).json<{ List: Json[] }>()
    assert.deepEqual(
      list.List.map((s) => s.id),
      [plan.studyId],
    )
    const xml = await get('/studies', 'application/xml')
    assert.match(xml.body, /^<\?xml[^>]*><studyRepresentations><study><id>\d+<\/id>/)
    const parsed = parseXml(xml.body, { arrays: ['study'] }) as { studyRepresentations: { study: Json[] } }
    assert.equal(parsed.studyRepresentations.study[0]!.actualsPlanId, planId)
    assert.match((await get('/plans', 'application/xml')).body, /<planRepresentations><plan><id>/)

    const locations = (await get(`/plans/${planId}/locations`)).json<{
      planLocations: { planLocation: Json[] }
    }>()
    assert.deepEqual(locations.planLocations.planLocation, [
      { locationId: 0, locationName: 'All Locations', numSites: null },
      { locationId: 1, locationName: 'Belgium', numSites: null },
    ])
    const providers = (await get(`/plans/${planId}/serviceProvider`)).json<{
      serviceProviders: { serviceProvider: Json[] }
    }>()
    assert.deepEqual(
      providers.serviceProviders.serviceProvider.map((p) => [p.id, p.type, p.trackingLevel]),
      [
        [1, 'CRO', 'Globally'],
        [2, 'Sponsor', 'Enter AP only'],
      ],
    )
    const costs = await get(`/plans/${planId}/cost`)
    const ads = costs.json<{ costs: { cost: { location: Json[] }[] } }>().costs.cost[0]!
    assert.deepEqual(ads.location[0], {
      locationId: 0,
      locationName: 'All Locations',
      startDate: '01-Oct-2012',
      endDate: '30-Nov-2012',
      amount: { currency: 'EUR', totalAmount: 200 },
    })
    assert.match(costs.body, /"totalAmount":200\.0/)
    const schedule = (await get(`/plans/${planId}/subjectEnrollmentSchedule`)).json<{
      subjectEnrollmentSchedule: { location: { locationId: number; periods?: Json[] }[] }
    }>()
    const belgium = schedule.subjectEnrollmentSchedule.location.find((l) => l.locationId === 1)!
    assert.deepEqual(belgium.periods, [
      {
        startDate: '04-Oct-2012',
        endDate: '10-Oct-2012',
        numSubjectsEnrolled: 2,
        cumulativeSubjectsEnrolled: 2,
      },
      {
        startDate: '11-Oct-2012',
        endDate: '17-Oct-2012',
        numSubjectsEnrolled: 3,
        cumulativeSubjectsEnrolled: 5,
      },
    ])
  })

  test('another tenant’s studies and plans are not found', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const planId = await createBaselinePlan(h.database.db, h.dialect, a.id, 'sites')
    for (const url of [`/plans/${planId}`, `/plans/${planId}/locations`, `/plans/${planId}/cost`]) {
      const res = await h.app.inject({ url: `/cleartrial-ws${url}`, headers: b.basic })
      assert.equal(res.statusCode, 404, url)
      assert.equal(res.json<{ error: { errorCode: string } }>().error.errorCode, 'Not Found')
    }
    const list = await h.app.inject({ url: '/cleartrial-ws/plans', headers: b.basic })
    assert.deepEqual(list.json(), { List: [] })
  })
})
