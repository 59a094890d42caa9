import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { systemActor } from '../audit/service.js'
import { IdentityService } from '../identity/service.js'
import { StudiesRepository } from '../studies/repository.js'
import { createQuestions, createRecruitingStudy, daysFromNow } from './study-setup.js'
import { CatalogRepository } from './staff/repository.js'
import type { QuestionInput } from './staff/schemas.js'
import type { VolunteerInput } from './partner/schemas.js'
import { emailKeyOf, nameKeyOf } from './volunteers/repository.js'
import { VolunteerService } from './volunteers/service.js'

/** The recruitment website's service account in tenant DEMO (Basic enabled, role recruitment-website). */
export const DEMO_WEBSITE_USER = { username: 'website', password: 'w3bs1te!' }

const QUESTIONS: QuestionInput[] = [
  { text: 'Do you currently smoke?', answerType: 'yesno', required: true },
  {
    text: 'How did you hear about us?',
    answerType: 'choice',
    options: ['Search', 'Friend', 'Radio', 'Other'],
  },
  { text: 'How many hours a week can you commit?', answerType: 'number' },
  { text: 'Can you stay overnight at the Riverside Unit?', answerType: 'yesno', siteId: 2 },
]

const MAIN = { siteId: 1, name: 'Main Street Clinic', locationOid: 'LOC-MAIN' }
const RIVERSIDE = { siteId: 2, name: 'Riverside Unit', locationOid: 'LOC-RIVER' }
const SITES = [MAIN, RIVERSIDE]

const slots = (siteId: number, firstDay: number, capacity: number) =>
  [0, 1, 2].map((i) => ({
    siteId,
    start: daysFromNow(firstDay + i * 2, 9),
    end: daysFromNow(firstDay + i * 2, 11),
    capacity,
  }))

const VOLUNTEERS: VolunteerInput[] = [
  {
    firstName: 'Jane',
    lastName: 'Doe',
    dateOfBirth: '1988-03-14',
    sex: 'F',
    email: 'jane.doe@example.com',
    heightCm: 168,
    weightKg: 62.5,
    healthyVolunteer: true,
    sitePreferenceId: 1,
    consentToContact: true,
    answers: [{ question: 'Do you currently smoke?', answer: false }],
    source: 'demo',
  },
  {
    firstName: 'Ravi',
    lastName: 'Patel',
    dateOfBirth: '1979-11-02',
    sex: 'M',
    email: 'ravi.patel@example.com',
    heightCm: 181,
    weightKg: 88,
    healthyVolunteer: true,
    sitePreferenceId: 2,
    consentToContact: true,
    answers: [
      { question: 'Do you currently smoke?', answer: true },
      { question: 'Can you stay overnight at the Riverside Unit?', answer: true },
    ],
    source: 'demo',
  },
  {
    firstName: 'Maria',
    lastName: 'Garcia',
    dateOfBirth: '1965-07-21',
    sex: 'F',
    email: 'maria.garcia@example.com',
    heightCm: 160,
    weightKg: 71,
    healthyVolunteer: false,
    sitePreferenceId: 1,
    consentToContact: false,
    answers: [{ question: 'Do you currently smoke?', answer: false }],
    source: 'demo',
  },
]

/**
 * Recruitment demo data in tenant DEMO: Recruit enabled, the `website` account, volunteer questions, two
 * recruiting studies at two sites with cohorts and future screening slots, one closed study, a few volunteers.
 * Idempotent: what exists already is left alone.
 */
export async function seedRecruitDemo({ db, tenantId }: { db: Kysely<DB>; tenantId: number }): Promise<void> {
  const identity = new IdentityService(db)
  const tenant = await identity.repo.findTenantById(tenantId)
  const settings = JSON.parse(tenant?.settings ?? '{}') as Record<string, unknown>
  if (settings.recruitEnabled !== true) {
    await db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ ...settings, recruitEnabled: true }) })
      .where('id', '=', tenantId)
      .execute()
  }
  if (!(await identity.repo.findUserByUsername(tenantId, DEMO_WEBSITE_USER.username))) {
    await identity.createUser(
      tenantId,
      {
        ...DEMO_WEBSITE_USER,
        displayName: 'Recruitment website',
        basicAuthEnabled: true,
        roles: ['recruitment-website'],
      },
      systemActor(tenantId),
      { seed: true },
    )
  }
  const existing = new Set((await new CatalogRepository(db).questions(tenantId)).map((q) => q.text))
  // Site-specific questions once their sites exist (a question's siteId must name a site of the tenant).
  const missing = QUESTIONS.filter((q) => !existing.has(q.text))
  await createQuestions(
    db,
    tenantId,
    missing.filter((q) => q.siteId == null),
  )
  const studies = new StudiesRepository(db)
  if (!(await studies.findByProtocol(tenantId, 'RECRUIT-PK-01'))) {
    await createRecruitingStudy(db, tenantId, {
      protocol: 'RECRUIT-PK-01',
      name: 'Healthy Volunteer PK Study',
      sites: SITES,
      profile: {
        status: 'recruiting',
        publicTitle: 'How the body handles a new pain medicine',
        publicDescription: 'Healthy adults, two overnight stays and four follow-up visits.',
        minAge: 18,
        maxAge: 55,
        minBmi: 18.5,
        maxBmi: 30,
        healthyVolunteers: true,
        requiredAnswers: [{ question: 'Do you currently smoke?', answer: false }],
        compensation: 'Up to $2,400 for completed participation',
      },
      cohorts: ['Cohort 1 (single dose)', 'Cohort 2 (multiple dose)'],
      slots: [...slots(1, 3, 4), ...slots(2, 4, 2)],
    })
  }
  if (!(await studies.findByProtocol(tenantId, 'RECRUIT-AST-02'))) {
    await createRecruitingStudy(db, tenantId, {
      protocol: 'RECRUIT-AST-02',
      name: 'Mild Asthma Study',
      sites: [MAIN],
      profile: {
        status: 'recruiting',
        publicTitle: 'A new inhaler for adults with mild asthma',
        minAge: 18,
        maxAge: 70,
        healthyVolunteers: false,
        compensation: 'Up to $900',
      },
      cohorts: ['Part A'],
      slots: slots(1, 5, 3),
    })
  }
  if (!(await studies.findByProtocol(tenantId, 'RECRUIT-OLD-00'))) {
    await createRecruitingStudy(db, tenantId, {
      protocol: 'RECRUIT-OLD-00',
      name: 'Completed Food Effect Study',
      sites: [MAIN],
      profile: { status: 'closed', publicTitle: 'Closed to recruitment' },
    })
  }
  await createQuestions(
    db,
    tenantId,
    missing.filter((q) => q.siteId != null),
  )
  const volunteers = new VolunteerService(db)
  for (const v of VOLUNTEERS) {
    const keys = {
      emailKey: emailKeyOf(v.email),
      nameKey: nameKeyOf(v.firstName, v.lastName),
      dateOfBirth: v.dateOfBirth,
    }
    if ((await volunteers.volunteers.findDuplicates(tenantId, keys)).length === 0)
      await volunteers.save(tenantId, v, systemActor(tenantId))
  }
}
