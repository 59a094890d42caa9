/**
 * Writes src/seed/openapi-examples.json (`npm run openapi:examples`): the example of each operation's request
 * and success response as the demo data set answers it — an app over a fresh in-memory SQLite with `seed demo`
 * loaded, each GET asked as the demo administrator, lists cut to their first item. The OpenAPI document shows
 * these where a module has not set its own (the Track ones come from shared/fixtures/track/); a test checks
 * every one against its operation's schema. Writes are not replayed: their request bodies are the demo's own
 * values, written here.
 */
import { writeFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { seedDemo } from '../src/seed/demo.js'

const TARGET = 'src/seed/openapi-examples.json'
const admin = {
  authorization: `Basic ${Buffer.from('admin:adm1n-p@55w0rd').toString('base64')}`,
  customercode: 'DEMO',
}

/** operationId → the request that shows it on the demo data. */
const READS: Record<string, string> = {
  getMe: '/api/v1/me',
  listUsers: '/api/v1/admin/users?limit=1',
  getUser: '/api/v1/admin/users/1',
  listRoles: '/api/v1/admin/roles',
  getTenantSettings: '/api/v1/admin/tenant',
  listAudit: '/api/v1/audit?limit=1',
  listStudies: '/api/v1/studies?limit=1',
  getStudy: '/api/v1/studies/3',
  listPlans: '/api/v1/plans?limit=1',
  findActiveStudySites: '/api/v1/recruit/findActiveStudySites?studyName=RECRUIT-PK-01',
  findVolunteerQuestions: '/api/v1/recruit/volunteerQuestions?studyName=RECRUIT-PK-01',
  findUnassignedAppointments: '/api/v1/recruit/findUnassignedAppointments?studyName=RECRUIT-PK-01',
  listStudySites: '/api/v1/studies/3/sites',
  listCohorts: '/api/v1/studies/3/cohorts',
  getRecruitmentProfile: '/api/v1/studies/3/recruitment',
  listVolunteerQuestions: '/api/v1/volunteer-questions',
  listVolunteers: '/api/v1/volunteers?limit=1',
  getVolunteer: '/api/v1/volunteers/1',
  listReports: '/api/v1/reports',
  listTokens: '/api/v1/admin/users/1/tokens',
  getRole: '/api/v1/admin/roles/1',
  verifyAudit: '/api/v1/audit/verification',
  getPlan: '/api/v1/plans/10802',
  getPlanPerformance: '/api/v1/plans/10802/performance',
  listSlots: '/api/v1/studies/3/sites/1/slots?limit=1',
  getVolunteerSiteRestriction: '/api/v1/volunteer-site-restrictions/3',
  listSubjects: '/api/v1/studies/6/subjects?limit=1',
  listTimepoints: '/api/v1/studies/6/timepoints?limit=1',
  listItems: '/api/v1/studies/6/items?limit=1',
  listObservations: '/api/v1/studies/6/observations?limit=1',
  listReportStudies: '/api/v1/reports/studies?limit=1',
}

const WRITES: Record<string, unknown> = {
  saveVolunteer: {
    firstName: 'Priya',
    lastName: 'Shah',
    dateOfBirth: '1991-03-14',
    sex: 'F',
    email: 'priya.shah@example.org',
    phone: '+44 161 496 0000',
    heightCm: 165,
    weightKg: 61.5,
    sitePreferenceId: 1,
    consentToContact: true,
    answers: [
      { question: 'Do you currently smoke?', answer: false },
      { question: 'How did you hear about us?', answer: 'Radio' },
    ],
    source: 'website',
  },
  invokeReport: { reportName: 'transfer', studyName: 'DEMO-PK-01', format: 'csv', includeSiteId: true },
  createStudy: { protocol: 'DEMO-PK-02', name: 'Demo PK study, part 2', phase: 'I', status: 'planned' },
}

const firstOf = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.slice(0, 1).map(firstOf)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, firstOf(x)]))
  }
  return v
}

const config = loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:' })
const database = await openMigratedDatabase(config.databaseUrl)
await seedDemo(database.db)
const app = await buildApp(config, { database })
const examples: Record<string, { request?: unknown; response?: unknown }> = {}
try {
  for (const [operationId, url] of Object.entries(READS)) {
    const res = await app.inject({ url, headers: admin })
    if (res.statusCode !== 200)
      throw new Error(`${operationId}: ${url} answered ${res.statusCode} ${res.body}`)
    examples[operationId] = { response: firstOf(res.json()) }
  }
  for (const [operationId, request] of Object.entries(WRITES)) {
    examples[operationId] = { ...examples[operationId], request }
  }
} finally {
  await app.close()
  await database.close()
}
writeFileSync(TARGET, `${JSON.stringify(examples, null, 2)}\n`)
console.log(`wrote ${TARGET}: ${Object.keys(examples).length} operations`)
