import assert from 'node:assert/strict'
import type { Harness, TestTenant } from './harness.js'
import { createTenant } from './harness.js'
import {
  createQuestions,
  createRecruitingStudy,
  daysFromNow,
  type CreatedStudy,
} from '../../src/modules/recruit/study-setup.js'

export const SMOKE = 'Do you smoke?'
export const CIGARETTES = 'How many cigarettes do you smoke a day?'
export const LEEDS_TRAVEL = 'Can you travel to the Leeds unit for overnight stays?'

/** A clinic with two sites, three studies (two recruiting) and volunteer questions, plus its website account. */
export interface RecruitWorld {
  admin: TestTenant
  /** Basic headers of a user holding only the built-in recruitment-website role. */
  website: Record<string, string>
  pk: CreatedStudy
  asthma: CreatedStudy
  closed: CreatedStudy
}

export async function recruitWorld(h: Harness): Promise<RecruitWorld> {
  const admin = await createTenant(h)
  const db = h.database.db
  const password = 'website-pass'
  await admin.service.createUser(
    admin.id,
    { username: 'website', password, roles: ['recruitment-website'], basicAuthEnabled: true },
    { tenantId: admin.id, kind: 'system', userId: null, tokenId: null, requestId: null },
  )
  const website = {
    authorization: `Basic ${Buffer.from(`website:${password}`).toString('base64')}`,
    customercode: admin.code,
  }
  await createQuestions(db, admin.id, [
    { text: SMOKE, answerType: 'yesno', required: true },
    { text: CIGARETTES, answerType: 'number' },
  ])
  const sites = [
    { siteId: 1, name: 'Manchester Unit', locationOid: 'LOC-MAN' },
    { siteId: 2, name: 'Leeds Unit', locationOid: 'LOC-LDS' },
  ]
  const pk = await createRecruitingStudy(db, admin.id, {
    protocol: 'PK-01',
    name: 'Healthy PK',
    sites,
    profile: {
      status: 'recruiting',
      publicTitle: 'A study of a new medicine in healthy adults',
      minAge: 18,
      maxAge: 55,
      minBmi: 18.5,
      maxBmi: 30,
      healthyVolunteers: true,
      requiredAnswers: [{ question: SMOKE, answer: false }],
      compensation: 'Up to £2,400',
    },
    cohorts: ['Cohort A', 'Cohort B'],
    slots: [
      { siteId: 1, start: daysFromNow(3, 9), end: daysFromNow(3, 10), capacity: 2 },
      { siteId: 1, start: daysFromNow(4, 9), end: daysFromNow(4, 10), capacity: 1 },
      { siteId: 2, start: daysFromNow(5, 9), end: daysFromNow(5, 10), capacity: 5 },
    ],
  })
  const asthma = await createRecruitingStudy(db, admin.id, {
    protocol: 'AST-02',
    name: 'Asthma in women',
    sites: [sites[0]!],
    profile: { status: 'recruiting', sex: 'F', healthyVolunteers: false, minAge: 18 },
    slots: [{ siteId: 1, start: daysFromNow(6, 9), end: daysFromNow(6, 10), capacity: 3 }],
  })
  const closed = await createRecruitingStudy(db, admin.id, {
    protocol: 'OLD-03',
    name: 'Closed study',
    sites: [sites[0]!],
    profile: { status: 'closed' },
    slots: [{ siteId: 1, start: daysFromNow(7, 9), end: daysFromNow(7, 10), capacity: 3 }],
  })
  // Once site 2 exists: a question's siteId must name a site of the tenant.
  await createQuestions(db, admin.id, [{ text: LEEDS_TRAVEL, answerType: 'yesno', siteId: 2 }])
  return { admin, website, pk, asthma, closed }
}

let n = 0
/** A valid registration for an eligible healthy non-smoker at site 1; unique names and email each call. */
export function volunteer(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  n++
  return {
    firstName: `Alex${n}`,
    lastName: 'Example',
    dateOfBirth: '1990-05-17',
    sex: 'M',
    email: `alex${n}.${process.pid}@example.test`,
    phone: '+44 161 000 0000',
    address: { line1: '1 Test Street', city: 'Manchester', postalCode: 'M1 1AA', country: 'GB' },
    heightCm: 180,
    weightKg: 75.5,
    healthyVolunteer: true,
    sitePreferenceId: 1,
    consentToContact: true,
    answers: [{ question: SMOKE, answer: false }],
    source: 'website',
    ...overrides,
  }
}

/**
 * The Recruit API as a world's website account calls it. `world` is read at each call, since the worlds are made
 * in a setup test after the calls are declared.
 */
export function recruitApi(h: Harness, world: () => RecruitWorld) {
  const post = (url: string, payload: unknown) =>
    h.app.inject({
      method: 'POST',
      url: `/api/v1/recruit/${url}`,
      payload: payload as object,
      headers: world().website,
    })
  const get = (url: string) => h.app.inject({ url: `/api/v1/recruit/${url}`, headers: world().website })
  /** Registers a valid volunteer (`volunteer(overrides)`) and answers its id. */
  const register = async (overrides: Record<string, unknown> = {}): Promise<number> => {
    const res = await post('saveVolunteer', volunteer(overrides))
    assert.equal(res.statusCode, 200, res.body)
    return res.json<{ volunteerId: number }>().volunteerId
  }
  return { post, get, register }
}
