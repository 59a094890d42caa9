import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'
import { recruitApi, recruitWorld, volunteer, type RecruitWorld } from '../../../test/support/recruit.js'
import { createRecruitingStudy, daysFromNow } from './study-setup.js'

const PARTNER_PATHS: [string, string][] = [
  ['POST', '/api/v1/recruit/saveVolunteer'],
  ['POST', '/api/v1/recruit/updateVolunteer?reasonForChange=x'],
  ['GET', '/api/v1/recruit/findActiveStudySites'],
  ['GET', '/api/v1/recruit/findUnassignedAppointments'],
  ['POST', '/api/v1/recruit/assignAppointment'],
  ['POST', '/api/v1/recruit/cancelAppointment'],
  ['POST', '/api/v1/recruit/expressInterest'],
  ['POST', '/api/v1/recruit/findMatchingStudies'],
  ['POST', '/api/v1/saveVolunteerRequest'],
]

onEveryDatabase('Recruit API: access, tenants and races', (h) => {
  let a: RecruitWorld
  let b: RecruitWorld
  const A = recruitApi(h, () => a)
  const B = recruitApi(h, () => b)

  test('setup: two clinics', async () => {
    a = await recruitWorld(h)
    b = await recruitWorld(h)
  })

  test('without credentials every Recruit path is 401; without recruit.use it is 403', async () => {
    const plain = await createTenant(h, { actions: ['api', 'studies.view'] })
    for (const [method, url] of PARTNER_PATHS) {
      const none = await h.app.inject({
        method: method as 'GET',
        url,
        payload: method === 'POST' ? {} : undefined,
      })
      assert.equal(none.statusCode, 401, url)
      const denied = await h.app.inject({ method: method as 'GET', url, headers: plain.basic })
      assert.equal(denied.statusCode, 403, url)
      assert.match(denied.json<{ detail: string }>().detail, /recruit\.use/)
    }
  })

  test('the recruitment-website role cannot reach admin, Track or staff APIs', async () => {
    for (const url of [
      '/api/v1/admin/users',
      '/api/v1/admin/roles',
      '/cleartrial-ws/studies',
      '/cleartrial-ws/actuals/10802/sites',
      '/api/v1/volunteers',
      `/api/v1/studies/${a.pk.studyId}/sites`,
      '/api/v1/volunteer-questions',
    ]) {
      const res = await h.app.inject({ url, headers: a.website })
      assert.ok([403, 404].includes(res.statusCode), `${url} answered ${res.statusCode}`)
    }
  })

  test('with Recruit disabled for the tenant every Recruit path answers 404', async () => {
    const c = await recruitWorld(h)
    await h.database.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ recruitEnabled: false }) })
      .where('id', '=', c.admin.id)
      .execute()
    for (const [method, url] of PARTNER_PATHS) {
      const res = await h.app.inject({
        method: method as 'GET',
        url,
        headers: c.website,
        payload: method === 'POST' ? {} : undefined,
      })
      assert.equal(res.statusCode, 404, url)
    }
    const stillOn = await h.app.inject({ url: '/api/v1/recruit/findActiveStudySites', headers: a.website })
    assert.equal(stillOn.statusCode, 200)
  })

  test("another tenant's volunteers, studies and slots are invisible", async () => {
    const mine = await A.register()
    const sites = await h.app.inject({ url: '/api/v1/recruit/findActiveStudySites', headers: b.website })
    const studyIds = new Set(sites.json<{ studyId: number }[]>().map((s) => s.studyId))
    assert.ok(!studyIds.has(a.pk.studyId) && studyIds.has(b.pk.studyId))
    const slots = await h.app.inject({
      url: '/api/v1/recruit/findUnassignedAppointments',
      headers: b.website,
    })
    const slotIds = slots.json<{ appointmentId: number }[]>().map((s) => s.appointmentId)
    assert.ok(slotIds.length > 0 && !slotIds.some((id) => a.pk.slotIds.includes(id)))
    const bookForeignVolunteer = await B.post('assignAppointment', {
      volunteerId: mine,
      appointmentId: b.pk.slotIds[2]!,
    })
    assert.equal(bookForeignVolunteer.statusCode, 404)
    const theirs = await B.register()
    const bookForeignSlot = await B.post('assignAppointment', {
      volunteerId: theirs,
      appointmentId: a.pk.slotIds[2]!,
    })
    assert.equal(bookForeignSlot.statusCode, 404)
    assert.equal(
      (await B.post('updateVolunteer?reasonForChange=x', { volunteerId: mine, phone: '1' })).statusCode,
      404,
    )
    assert.equal((await B.post('findMatchingStudies', { volunteerId: mine })).statusCode, 404)
    assert.equal(
      (await B.post('expressInterest', { volunteerId: mine, studyId: a.pk.studyId })).statusCode,
      404,
    )
    assert.equal(
      (await B.post('expressInterest', { volunteerId: theirs, studyId: a.pk.studyId })).statusCode,
      422,
    )
    // The same person may register with both clinics: duplicates are per tenant.
    const person = volunteer()
    await A.register(person)
    await B.register(person)
  })

  test('many concurrent bookings for few places: exactly capacity succeed, the rest get 409', async () => {
    const capacity = 3
    const race = await createRecruitingStudy(h.database.db, a.admin.id, {
      protocol: 'RACE-1',
      name: 'Race study',
      sites: [{ siteId: 1, name: 'Manchester Unit' }],
      profile: { status: 'recruiting' },
      slots: [{ siteId: 1, start: daysFromNow(2), end: daysFromNow(2, 11), capacity }],
    })
    const volunteers = await Promise.all(Array.from({ length: 24 }, () => A.register()))
    const results = await Promise.all(
      volunteers.map((volunteerId) =>
        A.post('assignAppointment', { volunteerId, appointmentId: race.slotIds[0]! }),
      ),
    )
    const codes = results.map((r) => r.statusCode)
    assert.equal(codes.filter((c) => c === 200).length, capacity, JSON.stringify(codes))
    assert.equal(codes.filter((c) => c === 409).length, volunteers.length - capacity)
    const slot = await h.database.db
      .selectFrom('recruit_slots')
      .select(['booked', 'capacity'])
      .where('id', '=', race.slotIds[0]!)
      .executeTakeFirstOrThrow()
    assert.equal(slot.booked, capacity)
    const bookings = await h.database.db
      .selectFrom('recruit_bookings')
      .select('id')
      .where('slot_id', '=', race.slotIds[0]!)
      .where('status', '=', 'booked')
      .execute()
    assert.equal(bookings.length, capacity)
  })

  test('one volunteer booking two slots of a study at once gets one of them', async () => {
    const id = await A.register()
    const [r1, r2] = await Promise.all(
      a.pk.slotIds
        .slice(0, 2)
        .map((appointmentId) => A.post('assignAppointment', { volunteerId: id, appointmentId })),
    )
    assert.deepEqual([r1!.statusCode, r2!.statusCode].sort(), [200, 409])
  })

  test('concurrent registrations of the same person create one volunteer', async () => {
    const person = volunteer()
    const results = await Promise.all(Array.from({ length: 8 }, () => A.post('saveVolunteer', person)))
    const codes = results.map((r) => r.statusCode).sort()
    assert.deepEqual(codes, [200, 422, 422, 422, 422, 422, 422, 422])
    for (const r of results.filter((x) => x.statusCode === 422))
      assert.ok(r.json<{ errors: { rule: string }[] }>().errors.every((e) => e.rule === 'duplicate'))
  })
})
