/**
 * Writes src/seed/openapi-examples.json (`npm run openapi:examples`): the example of each operation's request
 * and success response as the demo data set answers it — an app over a fresh in-memory SQLite with `seed demo`
 * loaded, each read of ./openapi-examples/reads.ts asked as the demo administrator (lists cut to their first
 * item, JSON and XML alike: ./openapi-examples/first-of.ts), then each write of ./openapi-examples/writes.ts
 * sent, its body kept as the request example (`requestText` by format for a body that is not JSON) and its
 * answer as the response one. An answer that is not JSON (the Track API's XML, a report's CSV or ODM) is kept
 * as its text, as served, under its media type (`responseText`). Then a second app on the same database runs
 * the report jobs the writes submitted, and the job reads show them and their results.
 * The OpenAPI document shows these where a module has not set its own (the Track actuals ones come from
 * shared/fixtures/track/); a test checks every one against its operation's schema, and that every success
 * response has one.
 *
 * The run is repeatable: a fixed clock (the demo instant, a minute on per write) dates the seed, the writes and
 * the jobs' runs, and the one random value an answer carries, a new token's secret, is shown as a fixed one.
 * Run twice on an unchanged tree, it writes the same bytes (formatted as prettier leaves them).
 */
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { writeFileSync } from 'node:fs'
import { format, resolveConfig } from 'prettier'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { installDemoClock } from './openapi-examples/clock.js'
import { firstOf, firstOfXml } from './openapi-examples/first-of.js'
import { JOB_READS, READS, type Read } from './openapi-examples/reads.js'
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

/** A new token's secret is 256 random bits; the example shows this one (and its prefix) instead. */
const EXAMPLE_SECRET = `td_${createHash('sha256').update('trialdeck demo token').digest('base64url')}`
const STABLE: Record<string, (answer: Record<string, unknown>) => Record<string, unknown>> = {
  createToken: (answer) => ({ ...answer, prefix: EXAMPLE_SECRET.slice(0, 9), secret: EXAMPLE_SECRET }),
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

const JSON_TYPE = 'application/json'
type Example = {
  request?: unknown
  requestText?: Record<string, string>
  response?: unknown
  responseText?: Record<string, string>
}
const examples: Record<string, Example> = {}
const answers: Answers = {}

/**
 * Keeps an answer as the operation's response example (in JSON, or as text under its media type), cut to its
 * lists' first items if `cut` and it is not a file; returns the JSON answer.
 */
function keepAnswer(
  operationId: string,
  res: LightMyRequestResponse,
  accept: string,
  cut: boolean,
  example: Example,
): Record<string, unknown> | undefined {
  if (res.statusCode === 204) return undefined
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
  if (type !== accept) throw new Error(`${operationId}: asked for ${accept}, answered ${type}`)
  const whole = !cut || /^attachment\b/.test(res.headers['content-disposition'] ?? '')
  if (type === JSON_TYPE) {
    const answer = res.json<Record<string, unknown>>()
    example.response = whole ? answer : firstOf(answer)
    return answer
  }
  if (!whole && !/[/+]xml$/.test(type)) throw new Error(`${operationId}: cannot cut a ${type} answer`)
  example.responseText = { ...example.responseText, [type]: whole ? res.body : firstOfXml(res.body) }
  return undefined
}

async function read(app: FastifyInstance, r: Read): Promise<void> {
  const { operationId, url, accept = JSON_TYPE } = r
  const path = typeof url === 'string' ? url : url(answers)
  const res = await app.inject({ url: path, headers: { ...admin, accept } })
  if (res.statusCode !== 200)
    throw new Error(`${operationId}: ${path} answered ${res.statusCode} ${res.body}`)
  keepAnswer(operationId, res, accept, r.whole !== true, (examples[operationId] ??= {}))
}

/** Lets the app's job runner take every queued report job; fails on one that does not succeed. */
async function jobsRun(app: FastifyInstance): Promise<void> {
  for (let wait = 0; wait < 600; wait++) {
    const res = await app.inject({ url: '/api/v1/reports/jobs?limit=100', headers: admin })
    const jobs = res.json<{ items: { id: number; status: string; errors: string[] }[] }>().items
    const failed = jobs.find(
      (j) => j.status !== 'succeeded' && j.status !== 'queued' && j.status !== 'running',
    )
    if (failed) throw new Error(`report job ${failed.id} is ${failed.status}: ${failed.errors.join('; ')}`)
    if (jobs.every((j) => j.status === 'succeeded')) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('the report jobs did not finish within 30 s')
}

async function write(app: FastifyInstance, operations: Operations, w: Write): Promise<void> {
  const { operationId, body, accept = JSON_TYPE } = w
  const op = operations.get(operationId)
  if (!op) throw new Error(`${operationId} is not an operation`)
  const url = typeof w.url === 'string' ? w.url : w.url(answers)
  if (!op.path.test(url.split('?')[0] ?? '')) throw new Error(`${operationId}: ${url} is not its path`)
  clock.advance(60_000)
  const headers = { ...(await headersOf(app, w.as)), accept }
  const text = w.format === undefined ? undefined : String(body)
  const res = await app.inject({
    method: op.method as 'POST',
    url,
    headers: w.format ? { ...headers, 'content-type': MEDIA_TYPES[w.format][0] ?? '' } : headers,
    ...(body === undefined ? {} : { payload: text ?? (body as object) }),
  })
  if (res.statusCode < 200 || res.statusCode > 299)
    throw new Error(`${operationId}: ${op.method} ${url} answered ${res.statusCode} ${res.body}`)
  if (w.setup !== undefined) {
    answers[w.setup] = keepAnswer(operationId, res, accept, false, {})
    return
  }
  const example = (examples[operationId] ??= {})
  if (w.format !== undefined) example.requestText = { ...example.requestText, [w.format]: String(body) }
  else if (body !== undefined) {
    // Several writes of one operation (one per answer's media type) send the one request its example shows.
    if (example.request !== undefined && !isDeepStrictEqual(example.request, body))
      throw new Error(`${operationId}: two different JSON request bodies`)
    example.request = body
  }
  const answer = keepAnswer(operationId, res, accept, false, example)
  if (answer === undefined) return
  answers[operationId] = answer
  const stable = STABLE[operationId]
  if (stable) example.response = stable(answer)
}

async function signIn(app: FastifyInstance, username: string, password: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/sessions',
    payload: { username, password, customerCode: 'DEMO' },
  })
  const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0]
  if (res.statusCode !== 201 || !cookie) throw new Error(`${username} cannot sign in: ${res.body}`)
  return { cookie, 'x-trialdeck-csrf': '1' }
}
const headersOf = async (app: FastifyInstance, as: Write['as']): Promise<Record<string, string>> =>
  as === undefined
    ? admin
    : as === 'website'
      ? website
      : signIn(app, as.signedIn.username, as.signedIn.password)

const configOf = (reportJobPollMs: number) =>
  loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:', reportJobPollMs })
const database = await openMigratedDatabase('sqlite::memory:')
try {
  await seedDemo(database.db)
  // No report job runs while the writes are sent: a submitted one stays queued, as its 202 says.
  const app = await buildApp(configOf(3_600_000), { database })
  try {
    await app.ready()
    const operations = operationsOf(app.swagger() as unknown as Parameters<typeof operationsOf>[0])
    for (const r of READS) await read(app, r)
    for (const w of WRITES) await write(app, operations, w)
  } finally {
    await app.close()
  }
  // The second app runs the queued jobs, all at one instant of the fixed clock, so their times never change.
  const runner = await buildApp(configOf(10), { database })
  try {
    await runner.ready()
    await jobsRun(runner)
    for (const r of JOB_READS) await read(runner, r)
  } finally {
    await runner.close()
  }
} finally {
  await database.close()
  clock.uninstall()
}
// Written as `prettier --write` would leave it, so the file in git is exactly what a rerun writes.
const options = { ...(await resolveConfig(TARGET)), filepath: TARGET }
writeFileSync(TARGET, await format(JSON.stringify(examples), options))
console.log(`wrote ${TARGET}: ${Object.keys(examples).length} operations`)
