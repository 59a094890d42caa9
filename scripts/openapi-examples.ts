/**
 * Writes src/seed/openapi-examples.json (`npm run openapi:examples`): the example of each operation's request
 * and success response as the demo data set answers it — an app over a fresh in-memory SQLite with `seed demo`
 * loaded, each GET asked as the demo administrator (lists cut to their first item), then each write of
 * ./openapi-examples/writes.ts sent, its body kept as the request example (`requestText` by format for a body
 * that is not JSON) and its answer as the response one.
 * The OpenAPI document shows these where a module has not set its own (the Track ones come from
 * shared/fixtures/track/); a test checks every one against its operation's schema.
 *
 * The run is repeatable: a fixed clock (the demo instant, a minute on per write) dates the seed and the writes,
 * and the one random value an answer carries, a new token's secret, is shown as a fixed one. Run twice on an
 * unchanged tree, it writes the same bytes (formatted as prettier leaves them).
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import { installDemoClock } from './openapi-examples/clock.js'
import { WRITES, type Answers, type Write } from './openapi-examples/writes.js'

const TARGET = 'src/seed/openapi-examples.json'
/** When the capture happens: after DEMO-PK-01's last visits (March 2026), before the recruiting slots. */
const DEMO_NOW = '2026-04-01T08:00:00.000Z'
const clock = installDemoClock(DEMO_NOW)

// Imported once the clock is in: nothing may read the time before it.
const { buildApp } = await import('../src/app.js')
const { loadConfig } = await import('../src/config.js')
const { openMigratedDatabase } = await import('../src/migrations.js')
const { seedDemo } = await import('../src/seed/demo.js')
const { MEDIA_TYPES } = await import('../src/http/content.js')

const basic = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  customercode: 'DEMO',
})
const admin = basic('admin', 'adm1n-p@55w0rd')
const website = basic('website', 'w3bs1te!')

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

/** A new token's secret is 256 random bits; the example shows this one (and its prefix) instead. */
const EXAMPLE_SECRET = `td_${createHash('sha256').update('trialdeck demo token').digest('base64url')}`
const STABLE: Record<string, (answer: Record<string, unknown>) => Record<string, unknown>> = {
  createToken: (answer) => ({ ...answer, prefix: EXAMPLE_SECRET.slice(0, 9), secret: EXAMPLE_SECRET }),
}

const firstOf = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.slice(0, 1).map(firstOf)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, firstOf(x)]))
  }
  return v
}

type Operations = Map<string, { method: string; path: RegExp }>

/** operationId → its method and a pattern of its paths, from the document the app serves. */
function operationsOf(doc: { paths: Record<string, Record<string, { operationId?: string }>> }): Operations {
  const ops: Operations = new Map()
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.operationId === undefined) continue
      const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')
      ops.set(op.operationId, { method: method.toUpperCase(), path: new RegExp(`^${pattern}$`) })
    }
  }
  return ops
}

// No report job runs during the capture: a submitted one stays queued, as its 202 says.
const config = loadConfig(
  {},
  { logLevel: 'silent', databaseUrl: 'sqlite::memory:', reportJobPollMs: 3_600_000 },
)
const database = await openMigratedDatabase(config.databaseUrl)
await seedDemo(database.db)
const app = await buildApp(config, { database })
const examples: Record<
  string,
  { request?: unknown; requestText?: Record<string, string>; response?: unknown }
> = {}
try {
  await app.ready()
  const operations = operationsOf(app.swagger() as unknown as Parameters<typeof operationsOf>[0])
  for (const [operationId, url] of Object.entries(READS)) {
    const res = await app.inject({ url, headers: admin })
    if (res.statusCode !== 200)
      throw new Error(`${operationId}: ${url} answered ${res.statusCode} ${res.body}`)
    examples[operationId] = { response: firstOf(res.json()) }
  }

  const signIn = async (username: string, password: string): Promise<Record<string, string>> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { username, password, customerCode: 'DEMO' },
    })
    const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]
    if (res.statusCode !== 201 || !cookie) throw new Error(`${username} cannot sign in: ${res.body}`)
    return { cookie, 'x-trialdeck-csrf': '1' }
  }
  const headersOf = async (as: Write['as']) =>
    as === undefined ? admin : as === 'website' ? website : signIn(as.signedIn.username, as.signedIn.password)

  const answers: Answers = {}
  for (const write of WRITES) {
    const { operationId, body } = write
    const op = operations.get(operationId)
    if (!op) throw new Error(`${operationId} is not an operation`)
    const url = typeof write.url === 'string' ? write.url : write.url(answers)
    if (!op.path.test(url.split('?')[0] ?? '')) throw new Error(`${operationId}: ${url} is not its path`)
    clock.advance(60_000)
    const headers = await headersOf(write.as)
    const text = write.format === undefined ? undefined : String(body)
    const res = await app.inject({
      method: op.method as 'POST',
      url,
      headers: write.format ? { ...headers, 'content-type': MEDIA_TYPES[write.format][0] ?? '' } : headers,
      payload: text ?? (body as object),
    })
    if (res.statusCode < 200 || res.statusCode > 299)
      throw new Error(`${operationId}: ${op.method} ${url} answered ${res.statusCode} ${res.body}`)
    const json = /^application\/json/.test(String(res.headers['content-type'] ?? ''))
    const answer = json ? res.json<Record<string, unknown>>() : undefined
    answers[operationId] = answer
    const response = answer === undefined ? undefined : (STABLE[operationId]?.(answer) ?? answer)
    const before = examples[operationId]
    examples[operationId] = {
      ...before,
      ...(write.format === undefined
        ? { request: body }
        : { requestText: { ...before?.requestText, [write.format]: String(body) } }),
      ...(response === undefined ? {} : { response }),
    }
  }
} finally {
  await app.close()
  await database.close()
  clock.uninstall()
}
// Written as `prettier --write` would leave it, so the file in git is exactly what a rerun writes.
const options = { ...(await resolveConfig(TARGET)), filepath: TARGET }
writeFileSync(TARGET, await format(JSON.stringify(examples), options))
console.log(`wrote ${TARGET}: ${Object.keys(examples).length} operations`)
