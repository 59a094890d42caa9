import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { recruitWorld, SMOKE, volunteer, type RecruitWorld } from '../../../../test/support/recruit.js'
import { systemActor } from '../../audit/service.js'
import { StudiesRepository } from '../../studies/repository.js'
import { daysFromNow } from '../study-setup.js'

interface Page {
  items: { volunteerId: number; lastName: string; sitePreferenceId: number }[]
  nextCursor: string | null
}

onEveryDatabase('Recruit staff API', (h) => {
  let w: RecruitWorld
  const as = (headers: Record<string, string>) => ({
    get: (url: string) => h.app.inject({ url: `/api/v1${url}`, headers }),
    send: (method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      h.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) }),
  })
  const register = async (overrides: Record<string, unknown> = {}) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/recruit/saveVolunteer',
      headers: w.website,
      payload: volunteer(overrides),
    })
    assert.equal(res.statusCode, 200, res.body)
    return res.json<{ volunteerId: number }>().volunteerId
  }
  const staffUser = async (name: string, roles: string[]) => {
    const user = await w.admin.service.createUser(
      w.admin.id,
      { username: name, password: 'pw-staff-abcdef', roles, basicAuthEnabled: true },
      systemActor(w.admin.id),
    )
    return {
      id: user.id,
      headers: {
        authorization: `Basic ${Buffer.from(`${name}:pw-staff-abcdef`).toString('base64')}`,
        customercode: w.admin.code,
      },
    }
  }

  test('setup: a clinic', async () => {
    w = await recruitWorld(h)
  })

  test('staff set up a study for recruitment, and the website then offers it', async () => {
    const staff = as(w.admin.basic)
    const studyId = await new StudiesRepository(h.database.db).insert(
      h.database.db,
      w.admin.id,
      { protocol: 'NEW-9', name: 'New Study' },
      new Date().toISOString(),
    )
    const site = await staff.send('POST', `/studies/${studyId}/sites`, {
      siteId: 2,
      name: 'Leeds Unit',
      locationOid: 'LOC-LDS',
    })
    assert.equal(site.statusCode, 201, site.body)
    assert.equal(
      (await staff.send('POST', `/studies/${studyId}/sites`, { siteId: 2, name: 'Again' })).statusCode,
      409,
    )
    const renamed = await staff.send('PUT', `/studies/${studyId}/sites/2`, {
      name: 'Leeds Clinical Unit',
      locationOid: 'LOC-LDS',
    })
    assert.equal(renamed.json<{ name: string }>().name, 'Leeds Clinical Unit')
    const cohort = await staff.send('POST', `/studies/${studyId}/cohorts`, { name: 'Part A' })
    assert.equal(cohort.statusCode, 201)
    const q = await staff.send('POST', '/volunteer-questions', {
      text: 'Do you have asthma?',
      answerType: 'yesno',
    })
    assert.equal(q.statusCode, 201, q.body)
    const choiceWithoutOptions = await staff.send('POST', '/volunteer-questions', {
      text: 'Pick',
      answerType: 'choice',
    })
    assert.equal(choiceWithoutOptions.statusCode, 422)
    const badProfile = await staff.send('PUT', `/studies/${studyId}/recruitment`, {
      status: 'recruiting',
      minAge: 60,
      maxAge: 20,
      minBmi: '18',
      requiredAnswers: [{ question: 'Nope?', answer: true }],
    })
    assert.equal(badProfile.statusCode, 422)
    assert.deepEqual(
      badProfile
        .json<{ errors: { path: string }[] }>()
        .errors.map((e) => e.path)
        .sort(),
      ['/body/minBmi'],
    )
    const badRanges = await staff.send('PUT', `/studies/${studyId}/recruitment`, {
      status: 'recruiting',
      minAge: 60,
      maxAge: 20,
      requiredAnswers: [{ question: 'Nope?', answer: true }],
    })
    assert.deepEqual(
      badRanges.json<{ errors: { path: string }[] }>().errors.map((e) => e.path),
      ['/body/maxAge', '/body/requiredAnswers/0/question'],
    )
    const profile = await staff.send('PUT', `/studies/${studyId}/recruitment`, {
      status: 'recruiting',
      publicTitle: 'Asthma-free adults',
      minBmi: 18.5,
      requiredAnswers: [{ question: 'Do you have asthma?', answer: false }],
      compensation: '£500',
    })
    assert.equal(profile.statusCode, 200, profile.body)
    assert.deepEqual(profile.json<{ requiredAnswers: unknown[]; minBmi: number }>().requiredAnswers, [
      { question: 'Do you have asthma?', answer: false },
    ])
    const slot = await staff.send('POST', `/studies/${studyId}/sites/2/slots`, {
      start: daysFromNow(2, 9),
      end: daysFromNow(2, 10),
      capacity: 4,
    })
    assert.equal(slot.statusCode, 201, slot.body)
    const backwards = await staff.send('POST', `/studies/${studyId}/sites/2/slots`, {
      start: daysFromNow(2, 10),
      end: daysFromNow(2, 9),
      capacity: 4,
    })
    assert.equal(backwards.statusCode, 422)
    const offered = await h.app.inject({
      url: '/api/v1/recruit/findActiveStudySites?studyName=new%20study',
      headers: w.website,
    })
    assert.deepEqual(
      offered.json<{ siteName: string }[]>().map((s) => s.siteName),
      ['Leeds Clinical Unit'],
    )
    const slots = await h.app.inject({
      url: `/api/v1/recruit/findUnassignedAppointments?studyId=${studyId}`,
      headers: w.website,
    })
    assert.deepEqual(
      slots.json<{ placesLeft: number }[]>().map((s) => s.placesLeft),
      [4],
    )
    assert.equal((await staff.send('DELETE', `/studies/${studyId}/sites/2`)).statusCode, 409)
    const slotId = slot.json<{ appointmentId: number }>().appointmentId
    assert.equal((await staff.send('DELETE', `/studies/${studyId}/sites/2/slots/${slotId}`)).statusCode, 204)
    assert.equal((await staff.send('DELETE', `/studies/${studyId}/sites/2`)).statusCode, 204)
    assert.deepEqual((await staff.get(`/studies/${studyId}/sites`)).json(), { items: [], nextCursor: null })
  })

  test('a booked slot and an answered question cannot be deleted', async () => {
    const staff = as(w.admin.basic)
    const id = await register()
    const slotId = w.pk.slotIds[2]!
    const siteId = 2
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/recruit/assignAppointment',
      headers: w.website,
      payload: { volunteerId: id, appointmentId: slotId },
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(
      (await staff.send('DELETE', `/studies/${w.pk.studyId}/sites/${siteId}/slots/${slotId}`)).statusCode,
      409,
    )
    const questions = (await staff.get('/volunteer-questions')).json<{ items: { questionId: number }[] }>()
      .items
    assert.equal(
      (await staff.send('DELETE', `/volunteer-questions/${questions[0]!.questionId}`)).statusCode,
      409,
    )
  })

  test("staff list a site's slots starting in a time range, the bounds read as instants in any offset", async () => {
    const staff = as(w.admin.basic)
    const url = `/studies/${w.pk.studyId}/sites/1/slots`
    const starts = async (query: string) => {
      const res = await staff.get(`${url}${query}`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<{ items: { start: string }[] }>().items.map((s) => s.start)
    }
    // Site 1 has slots 3 and 4 days from now at 09:00 UTC.
    assert.deepEqual(await starts(''), [daysFromNow(3, 9), daysFromNow(4, 9)])
    assert.deepEqual(await starts(`?from=${daysFromNow(3, 0)}&to=${daysFromNow(4, 0)}`), [daysFromNow(3, 9)])
    assert.deepEqual(await starts(`?from=${daysFromNow(3, 10)}`), [daysFromNow(4, 9)])
    assert.deepEqual(await starts(`?to=${daysFromNow(4, 9)}`), [daysFromNow(3, 9)], '`to` is exclusive')
    assert.deepEqual(await starts(`?from=${daysFromNow(4, 9)}`), [daysFromNow(4, 9)], '`from` is inclusive')
    // 11:00 at +02:00 is 09:00 UTC: the slot of day 4 starts exactly then, so it is in.
    const plusTwo = `${daysFromNow(4, 11).slice(0, 19)}%2B02:00`
    assert.deepEqual(await starts(`?from=${plusTwo}`), [daysFromNow(4, 9)])
    const backwards = await staff.get(`${url}?from=${daysFromNow(4, 0)}&to=${daysFromNow(3, 0)}`)
    assert.equal(backwards.statusCode, 422)
    assert.deepEqual(
      backwards.json<{ errors: { path: string }[] }>().errors.map((e) => e.path),
      ['/querystring/to'],
    )
    assert.equal((await staff.get(`${url}?from=next-week`)).statusCode, 422)
  })

  test('staff list volunteers newest first with a cursor, search them and see one with interests and appointments', async () => {
    const staff = as(w.admin.basic)
    const surname = `Zed${Date.now()}`
    const ids = []
    for (let i = 0; i < 5; i++) ids.push(await register({ lastName: surname }))
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: Page = (
        await staff.get(`/volunteers?q=${surname.toLowerCase()}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json<Page>()
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((v) => v.volunteerId))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, [...ids].reverse())
    assert.equal((await staff.get('/volunteers?cursor=nonsense')).statusCode, 422)
    const id = ids[0]!
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/recruit/expressInterest',
      headers: w.website,
      payload: { volunteerId: id, studyId: w.pk.studyId },
    })
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/recruit/assignAppointment',
      headers: w.website,
      payload: { volunteerId: id, appointmentId: w.pk.slotIds[0]! },
    })
    const detail = await staff.get(`/volunteers/${id}`)
    assert.equal(detail.statusCode, 200)
    const d = detail.json<{
      lastName: string
      interests: unknown[]
      appointments: { status: string }[]
      answers: unknown[]
    }>()
    assert.equal(d.lastName, surname)
    assert.equal(d.interests.length, 1)
    assert.deepEqual(
      d.appointments.map((a) => a.status),
      ['booked'],
    )
    assert.deepEqual(d.answers, [{ question: SMOKE, answer: false }])
  })

  test('staff find volunteers by the study they reached and by funnel stage', async () => {
    const staff = as(w.admin.basic)
    const surname = `Stage${Date.now()}`
    const interested = await register({ lastName: surname })
    const booked = await register({ lastName: surname })
    const enrolled = await register({ lastName: surname })
    const none = await register({ lastName: surname })
    const website = (url: string, payload: object) =>
      h.app.inject({ method: 'POST', url: `/api/v1/recruit/${url}`, headers: w.website, payload })
    assert.equal(
      (await website('expressInterest', { volunteerId: interested, studyId: w.pk.studyId })).statusCode,
      200,
    )
    assert.equal(
      (await website('expressInterest', { volunteerId: booked, studyId: w.pk.studyId })).statusCode,
      200,
    )
    const assign = await website('assignAppointment', {
      volunteerId: booked,
      appointmentId: w.pk.slotIds[2]!,
    })
    assert.equal(assign.statusCode, 200, assign.body)
    const now = new Date().toISOString()
    await h.database.db
      .insertInto('study_subjects')
      .values({
        tenant_id: w.admin.id,
        study_id: w.asthma.studyId,
        subject_number: `S${enrolled}`,
        site_id: 1,
        cohort: null,
        status: 'enrolled',
        enrolled_on: now.slice(0, 10),
        randomised_on: null,
        volunteer_id: enrolled,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const ids = async (query: string) => {
      const res = await staff.get(`/volunteers?q=${surname.toLowerCase()}&limit=500${query}`)
      assert.equal(res.statusCode, 200, res.body)
      return res
        .json<Page>()
        .items.map((v) => v.volunteerId)
        .sort((a, b) => a - b)
    }
    assert.deepEqual(await ids(''), [interested, booked, enrolled, none])
    assert.deepEqual(await ids(`&studyId=${w.pk.studyId}`), [interested, booked])
    assert.deepEqual(await ids(`&studyId=${w.pk.studyId}&status=booked`), [booked])
    assert.deepEqual(await ids(`&studyId=${w.asthma.studyId}`), [])
    assert.deepEqual(await ids('&status=screened'), [enrolled])
    assert.deepEqual(await ids(`&status=enrolled&studyId=${w.asthma.studyId}`), [enrolled])
    assert.deepEqual(await ids(`&status=enrolled&studyId=${w.pk.studyId}`), [])
    assert.equal((await staff.get('/volunteers?status=dreaming')).statusCode, 422)
    assert.equal((await staff.get('/volunteers?studyId=0')).statusCode, 422)
  })

  test('site-restricted staff see only the volunteers of their sites', async () => {
    const admin = as(w.admin.basic)
    const leeds = await register({ sitePreferenceId: 2 })
    const manchester = await register({ sitePreferenceId: 1 })
    const role = await h.database.db
      .insertInto('roles')
      .values({
        tenant_id: w.admin.id,
        name: 'site-staff',
        description: null,
        built_in: 0,
        created_at: '2026-01-01',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await h.database.db
      .insertInto('role_actions')
      .values(['api', 'studies.view'].map((action) => ({ role_id: role.id, action })))
      .execute()
    const user = await staffUser('leeds-nurse', ['site-staff'])
    const restrict = await admin.send('PUT', `/volunteer-site-restrictions/${user.id}`, { siteIds: [2] })
    assert.equal(restrict.statusCode, 200, restrict.body)
    assert.equal(
      (await admin.send('PUT', `/volunteer-site-restrictions/${user.id}`, { siteIds: [77] })).statusCode,
      422,
    )
    const nurse = h.app.inject.bind(h.app)
    const session = user.headers
    const list = await nurse({ url: '/api/v1/volunteers?limit=500', headers: session })
    assert.equal(list.statusCode, 200, list.body)
    const sites = new Set(list.json<Page>().items.map((v) => v.sitePreferenceId))
    assert.deepEqual([...sites], [2])
    assert.equal((await nurse({ url: `/api/v1/volunteers/${leeds}`, headers: session })).statusCode, 200)
    assert.equal((await nurse({ url: `/api/v1/volunteers/${manchester}`, headers: session })).statusCode, 404)
    assert.equal((await admin.get(`/volunteers/${manchester}`)).statusCode, 200)
    const writes = await nurse({
      method: 'POST',
      url: `/api/v1/studies/${w.pk.studyId}/cohorts`,
      headers: session,
      payload: { name: 'X' },
    })
    assert.equal(writes.statusCode, 403)
  })

  test("another tenant's studies, volunteers and questions are invisible to staff", async () => {
    const other = await createTenant(h)
    const them = as(other.basic)
    const id = await register()
    assert.equal((await them.get(`/volunteers/${id}`)).statusCode, 404)
    assert.equal((await them.get(`/studies/${w.pk.studyId}/sites`)).statusCode, 404)
    assert.equal((await them.get(`/studies/${w.pk.studyId}/recruitment`)).statusCode, 404)
    assert.equal(
      (await them.send('POST', `/studies/${w.pk.studyId}/cohorts`, { name: 'Mine' })).statusCode,
      404,
    )
    assert.deepEqual((await them.get('/volunteers')).json<Page>().items, [])
    assert.deepEqual((await them.get('/volunteer-questions')).json(), { items: [], nextCursor: null })
    assert.equal((await them.get(`/volunteer-site-restrictions/${w.admin.userId}`)).statusCode, 404)
  })
})
