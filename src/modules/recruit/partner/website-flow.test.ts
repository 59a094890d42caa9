import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../../../test/support/harness.js'
import { systemActor } from '../../audit/service.js'
import { daysFromNow } from '../study-setup.js'
import { RecruitSetupService } from '../staff/service.js'
import {
  CIGARETTES,
  LEEDS_TRAVEL,
  recruitApi,
  recruitWorld,
  SMOKE,
  volunteer,
  type RecruitWorld,
} from '../../../../test/support/recruit.js'

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string; rule: string }[]
}
interface OpenSlot {
  appointmentId: number
  studyId: number
  siteId: number
  placesLeft: number
}

onEveryDatabase('Recruit API: the website flow', (h) => {
  let w: RecruitWorld
  const { post, get, register } = recruitApi(h, () => w)
  const openSlots = async (query: string) =>
    (await get(`findUnassignedAppointments?${query}`)).json<OpenSlot[]>()

  test('setup: a clinic with two sites, recruiting studies and its website account', async () => {
    w = await recruitWorld(h)
  })

  test('findActiveStudySites lists the sites of recruiting studies only, with case rules per filter', async () => {
    const all = await get('findActiveStudySites')
    assert.equal(all.statusCode, 200)
    const rows = all.json<{ studyId: number; siteId: number; siteName: string; cohorts: unknown[] }[]>()
    assert.deepEqual(
      rows.map((r) => [r.studyId, r.siteId]),
      [
        [w.pk.studyId, 1],
        [w.pk.studyId, 2],
        [w.asthma.studyId, 1],
      ],
    )
    assert.equal(rows[0]!.cohorts.length, 2)
    assert.equal((await get('findActiveStudySites?studyName=healthy%20pk')).json<unknown[]>().length, 2)
    assert.equal((await get('findActiveStudySites?siteName=LEEDS%20unit')).json<unknown[]>().length, 1)
    assert.equal((await get('findActiveStudySites?siteId=1')).json<unknown[]>().length, 2)
    assert.equal((await get('findActiveStudySites?locationOid=loc-man')).json<unknown[]>().length, 0)
    assert.equal((await get('findActiveStudySites?locationOid=LOC-MAN')).json<unknown[]>().length, 2)
    const bad = await get('findActiveStudySites?siteId=abc')
    assert.equal(bad.statusCode, 422)
  })

  test('saveVolunteer registers a volunteer and answers their id', async () => {
    const res = await post('saveVolunteer', volunteer())
    assert.equal(res.statusCode, 200)
    assert.ok(res.json<{ volunteerId: number }>().volunteerId > 0)
  })

  test('the same email (in other case) or the same name and birth date is refused as a duplicate', async () => {
    const first = volunteer()
    await register(first)
    const sameEmail = await post('saveVolunteer', volunteer({ email: String(first.email).toUpperCase() }))
    assert.equal(sameEmail.statusCode, 422, sameEmail.body)
    assert.deepEqual(
      sameEmail.json<Problem>().errors!.map((e) => [e.path, e.rule]),
      [['/body/email', 'duplicate']],
    )
    const sameName = await post(
      'saveVolunteer',
      volunteer({
        firstName: ` ${String(first.firstName).toLowerCase()}`,
        lastName: 'EXAMPLE',
        dateOfBirth: first.dateOfBirth,
      }),
    )
    assert.equal(sameName.statusCode, 422)
    assert.deepEqual(
      sameName.json<Problem>().errors!.map((e) => [e.path, e.rule]),
      [
        ['/body/firstName', 'duplicate'],
        ['/body/lastName', 'duplicate'],
        ['/body/dateOfBirth', 'duplicate'],
      ],
    )
  })

  test('422 lists every error: wrong types (a number sent as a string), missing and unknown fields', async () => {
    const body = volunteer({ heightCm: '180', consentToContact: 'yes', sex: 'X', extra: 1 })
    delete body.lastName
    const res = await post('saveVolunteer', body)
    assert.equal(res.statusCode, 422)
    const errors = res.json<Problem>().errors!
    const got = new Set(errors.map((e) => `${e.path} ${e.rule}`))
    for (const e of [
      '/body/heightCm type',
      '/body/consentToContact type',
      '/body/sex enum',
      '/body/lastName required',
      '/body/extra additionalProperties',
    ])
      assert.ok(got.has(e), `${e} in ${JSON.stringify(errors)}`)
  })

  test('one 422 lists schema errors together with unknown-question and duplicate errors', async () => {
    const first = volunteer()
    await register(first)
    const res = await post(
      'saveVolunteer',
      volunteer({
        email: String(first.email).toUpperCase(),
        heightCm: '180',
        extra: true,
        answers: [
          { question: SMOKE, answer: false },
          { question: 'Do you skydive?', answer: true },
          { question: SMOKE, answer: true },
          { question: CIGARETTES, answer: '10', note: 1 },
        ],
      }),
    )
    assert.equal(res.statusCode, 422, res.body)
    assert.deepEqual(
      res
        .json<Problem>()
        .errors!.map((e) => `${e.path} ${e.rule}`)
        .sort(),
      [
        '/body/answers/1/question unknown',
        '/body/answers/2/question duplicate',
        '/body/answers/3/note additionalProperties',
        '/body/email duplicate',
        '/body/extra additionalProperties',
        '/body/heightCm type',
      ],
    )
    // The same on the legacy one-call registration, with its own unknown study.
    const legacy = await h.app.inject({
      method: 'POST',
      url: '/api/v1/saveVolunteerRequest',
      headers: w.website,
      payload: volunteer({ email: first.email, sex: 'X', studyId: 999_999 }),
    })
    assert.equal(legacy.statusCode, 422, legacy.body)
    assert.deepEqual(
      legacy
        .json<Problem>()
        .errors!.map((e) => `${e.path} ${e.rule}`)
        .sort(),
      ['/body/email duplicate', '/body/sex enum', '/body/studyId unknown'],
    )
  })

  test('a body with more schema errors than are listed stops at them, capped with a count of the rest', async () => {
    const res = await post(
      'saveVolunteer',
      volunteer({ answers: Array.from({ length: 150 }, () => ({ question: 1, answer: [] })) }),
    )
    assert.equal(res.statusCode, 422)
    const problem = res.json<Problem & { omittedErrors?: number }>()
    assert.equal(problem.errors!.length, 100)
    assert.equal(problem.omittedErrors, 200)
    assert.ok(problem.errors!.every((e) => e.path.startsWith('/body/answers/')))
  })

  test('answers must match a configured question exactly, in its type and for its site; a site is required', async () => {
    const res = await post(
      'saveVolunteer',
      volunteer({
        sitePreferenceId: undefined,
        answers: [
          { question: 'do you smoke?', answer: false },
          { question: CIGARETTES, answer: '10' },
          { question: LEEDS_TRAVEL, answer: true },
        ],
      }),
    )
    assert.equal(res.statusCode, 422)
    assert.deepEqual(
      res.json<Problem>().errors!.map((e) => `${e.path} ${e.rule}`),
      [
        '/body/sitePreferenceId required',
        '/body/answers/0/question unknown',
        '/body/answers/1/answer type',
        '/body/answers/2/question site',
        '/body/answers required',
      ],
    )
    const unknownSite = await post('saveVolunteer', volunteer({ sitePreferenceId: 99 }))
    assert.deepEqual(
      unknownSite.json<Problem>().errors!.map((e) => e.rule),
      ['unknown'],
    )
    const leeds = await post(
      'saveVolunteer',
      volunteer({
        sitePreferenceId: 2,
        answers: [
          { question: SMOKE, answer: false },
          { question: LEEDS_TRAVEL, answer: true },
        ],
      }),
    )
    assert.equal(leeds.statusCode, 200, leeds.body)
  })

  test('findMatchingStudies tells which recruiting studies fit and which criteria the others fail', async () => {
    const id = await register()
    const res = await post('findMatchingStudies', { volunteerId: id })
    assert.equal(res.statusCode, 200)
    const m = res.json<{
      matching: { studyId: number }[]
      notMatching: { studyId: number; failedCriteria: { criterion: string }[] }[]
    }>()
    assert.deepEqual(
      m.matching.map((s) => s.studyId),
      [w.pk.studyId],
    )
    assert.deepEqual(
      m.notMatching.map((s) => [s.studyId, s.failedCriteria.map((c) => c.criterion)]),
      [[w.asthma.studyId, ['sex', 'healthyVolunteers']]],
    )
    const byAttributes = await post('findMatchingStudies', {
      dateOfBirth: '2015-01-01',
      sex: 'F',
      heightCm: 160,
      weightKg: 95,
      healthyVolunteer: true,
      answers: [{ question: SMOKE, answer: true }],
    })
    const b = byAttributes.json<{
      matching: unknown[]
      notMatching: { studyId: number; failedCriteria: { criterion: string }[] }[]
    }>()
    assert.equal(b.matching.length, 0)
    assert.deepEqual(
      b.notMatching.find((s) => s.studyId === w.pk.studyId)!.failedCriteria.map((c) => c.criterion),
      ['age', 'bmi', 'answer'],
    )
    const both = await post('findMatchingStudies', { volunteerId: id, sex: 'F' })
    assert.equal(both.statusCode, 422)
  })

  test('book, double booking and over-capacity refused, cancel frees the place, re-book', async () => {
    const [big, small] = w.pk.slotIds as [number, number]
    const a = await register()
    const b = await register()
    const c = await register()
    const slots = await openSlots(`studyId=${w.pk.studyId}&siteId=1`)
    assert.deepEqual(
      slots.map((s) => [s.appointmentId, s.placesLeft]),
      [
        [big, 2],
        [small, 1],
      ],
    )
    const booked = await post('assignAppointment', { volunteerId: a, appointmentId: small })
    assert.equal(booked.statusCode, 200, booked.body)
    assert.equal(booked.json<{ status: string }>().status, 'booked')
    const again = await post('assignAppointment', { volunteerId: a, appointmentId: small })
    assert.equal(again.statusCode, 409)
    const otherSlotSameStudy = await post('assignAppointment', { volunteerId: a, appointmentId: big })
    assert.equal(otherSlotSameStudy.statusCode, 409)
    assert.match(otherSlotSameStudy.json<Problem>().detail, /already holds appointment/)
    const full = await post('assignAppointment', { volunteerId: b, appointmentId: small })
    assert.equal(full.statusCode, 409)
    assert.match(full.json<Problem>().detail, /full/)
    assert.deepEqual(
      (await openSlots(`studyName=HEALTHY%20PK&siteId=1`)).map((s) => s.appointmentId),
      [big],
    )

    const noReason = await post('cancelAppointment', { volunteerId: a, appointmentId: small })
    assert.equal(noReason.statusCode, 422)
    const cancelled = await post('cancelAppointment', {
      volunteerId: a,
      appointmentId: small,
      reason: 'cannot make it',
    })
    assert.equal(cancelled.statusCode, 200)
    assert.equal(cancelled.json<{ status: string }>().status, 'cancelled')
    const twice = await post('cancelAppointment', { volunteerId: a, appointmentId: small, reason: 'again' })
    assert.equal(twice.statusCode, 404)
    assert.equal(
      (await openSlots(`studyId=${w.pk.studyId}&siteId=1`)).find((s) => s.appointmentId === small)
        ?.placesLeft,
      1,
    )
    assert.equal((await post('assignAppointment', { volunteerId: b, appointmentId: small })).statusCode, 200)
    assert.equal((await post('assignAppointment', { volunteerId: a, appointmentId: big })).statusCode, 200)
    assert.equal((await post('assignAppointment', { volunteerId: c, appointmentId: big })).statusCode, 200)
    assert.deepEqual(await openSlots(`studyId=${w.pk.studyId}&siteId=1`), [])
  })

  test('an ineligible volunteer cannot book; a closed study offers no appointments', async () => {
    const smoker = await register({ answers: [{ question: SMOKE, answer: true }] })
    const slot = w.pk.slotIds[2]!
    const res = await post('assignAppointment', { volunteerId: smoker, appointmentId: slot })
    assert.equal(res.statusCode, 422)
    assert.deepEqual(
      res.json<Problem>().errors!.map((e) => e.rule),
      ['eligibility.answer'],
    )
    const ok = await register()
    const closed = await post('assignAppointment', { volunteerId: ok, appointmentId: w.closed.slotIds[0]! })
    assert.equal(closed.statusCode, 404)
    assert.deepEqual(await openSlots(`studyId=${w.closed.studyId}`), [])
    const past = await new RecruitSetupService(h.database.db).createSlot(
      w.admin.id,
      w.pk.studyId,
      1,
      { start: daysFromNow(-1, 9), end: daysFromNow(-1, 10), capacity: 5 },
      systemActor(w.admin.id),
    )
    const started = await post('assignAppointment', { volunteerId: ok, appointmentId: past.appointmentId })
    assert.equal(started.statusCode, 409)
    assert.match(started.json<Problem>().detail, /already started/)
    assert.ok(
      !(await openSlots(`studyId=${w.pk.studyId}`)).some((s) => s.appointmentId === past.appointmentId),
    )
  })

  test('expressInterest records interest in a study and cohort once; saveVolunteerRequest does both in one call', async () => {
    const id = await register()
    const body = { volunteerId: id, studyId: w.pk.studyId, cohortId: w.pk.cohortIds[1] }
    const first = await post('expressInterest', body)
    assert.equal(first.statusCode, 200, first.body)
    const second = await post('expressInterest', body)
    assert.equal(
      second.json<{ interestId: number }>().interestId,
      first.json<{ interestId: number }>().interestId,
    )
    const wrongCohort = await post('expressInterest', {
      volunteerId: id,
      studyId: w.asthma.studyId,
      cohortId: w.pk.cohortIds[0],
    })
    assert.equal(wrongCohort.statusCode, 422)
    const closed = await post('expressInterest', { volunteerId: id, studyId: w.closed.studyId })
    assert.equal(closed.statusCode, 422)
    const legacy = await h.app.inject({
      method: 'POST',
      url: '/api/v1/saveVolunteerRequest',
      headers: w.website,
      payload: { ...volunteer(), studyId: w.pk.studyId },
    })
    assert.equal(legacy.statusCode, 200, legacy.body)
    const r = legacy.json<{ volunteerId: number; volunteerRequestId: number }>()
    assert.ok(r.volunteerId > 0 && r.volunteerRequestId > 0)
  })
})
