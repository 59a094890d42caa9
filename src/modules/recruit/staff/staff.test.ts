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
    assert.equal((await staff.get(`/studies/${studyId}/sites`)).json<unknown[]>().length, 0)
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
    const questions = (await staff.get('/volunteer-questions')).json<{ questionId: number; text: string }[]>()
    assert.equal(
      (await staff.send('DELETE', `/volunteer-questions/${questions[0]!.questionId}`)).statusCode,
      409,
    )
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
    assert.deepEqual((await them.get('/volunteer-questions')).json<unknown[]>(), [])
    assert.equal((await them.get(`/volunteer-site-restrictions/${w.admin.userId}`)).statusCode, 404)
  })
})
