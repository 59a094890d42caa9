/**
 * Recruit benchmark: saveVolunteer requests per second with 1,000 and with 1,000,000 existing volunteers in one
 * run (the duplicate check must scale: goal ratio ≥ 0.7), then a booking race (many concurrent bookings for few
 * places: exactly capacity succeed).
 *
 * The two volumes live in two databases served side by side; measurement rounds alternate between them and the
 * median of each is compared, so load from other processes on the machine falls on both alike. On SQLite a third
 * server (1,000 volunteers, `synchronous=NORMAL`) is measured in the same alternation: what the default
 * `synchronous=FULL` (every commit synced to disk) costs in write throughput.
 *
 *   npx tsx bench/recruit.ts                                   # SQLite (temporary files)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/recruit.ts
 *   BENCH_SECONDS=4 BENCH_ROUNDS=5 BENCH_CONNECTIONS=8 BENCH_BIG=1000000 …   # knobs
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp, type App } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import type { Database } from '../src/db/database.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { systemActor } from '../src/modules/audit/service.js'
import { IdentityService } from '../src/modules/identity/service.js'
import { listen } from '../src/server.js'
import { createRecruitingStudy, daysFromNow } from '../src/modules/recruit/study-setup.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8)
const SMALL = 1_000
const BIG = Number(process.env.BENCH_BIG ?? 1_000_000)
const RACERS = 500
const CAPACITY = 10

const pgUrl = process.env.BENCH_DATABASE_URL
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-bench-'))
const run = randomBytes(3).toString('hex')
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS * 2 })

interface Server {
  database: Database
  app: App
  port: number
  tenantId: number
  headers: Record<string, string>
  schema: string
}

async function server(label: string, synchronous: 'full' | 'normal' = 'full'): Promise<Server> {
  const schema = `bench_recruit_${label}_${process.pid}`
  const url = pgUrl ?? `sqlite:${join(dir, `${label}.db`)}`
  const database = await openMigratedDatabase(url, pgUrl ? { schema, poolSize: 20 } : { synchronous })
  const config = loadConfig({}, { logLevel: 'silent', databaseUrl: url, rateLimitMax: 1_000_000_000 })
  const app = await buildApp(config, { database })
  await listen(app, { port: 0, host: '127.0.0.1' }) // as `trialdeck serve` does
  const identity = new IdentityService(database.db)
  const tenant = await identity.createTenant(`BENCH${process.pid}`, 'Bench clinic')
  const actor = systemActor(tenant.id)
  const user = await identity.createUser(
    tenant.id,
    { username: 'website', roles: ['recruitment-website'] },
    actor,
  )
  const token = await identity.createToken(tenant.id, user.id, { name: 'bench' }, actor)
  return {
    database,
    app,
    port: (app.server.address() as AddressInfo).port,
    tenantId: tenant.id,
    headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json' },
    schema,
  }
}

function post(s: Server, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const headers = { ...s.headers, 'content-length': String(Buffer.byteLength(payload)) }
    const req = http.request(
      { host: '127.0.0.1', port: s.port, path, method: 'POST', agent, headers },
      (res) => {
        res.resume()
        res.on('end', () => {
          resolve(res.statusCode ?? 0)
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

let serial = 0
function newVolunteer() {
  serial++
  return {
    firstName: `Bench${serial}`,
    lastName: `Runner${run}`,
    dateOfBirth: '1990-01-01',
    sex: serial % 2 ? 'M' : 'F',
    email: `bench${serial}.${run}@example.test`,
    heightCm: 175,
    weightKg: 70,
    healthyVolunteer: true,
    consentToContact: true,
    source: 'bench',
  }
}

/** Closed loop: CONNECTIONS clients each send saveVolunteer back to back for SECONDS; successful requests/s. */
async function measureSave(s: Server, seconds = SECONDS): Promise<number> {
  let ok = 0
  let failed = 0
  const started = Date.now()
  const until = started + seconds * 1000
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        if ((await post(s, '/api/v1/recruit/saveVolunteer', newVolunteer())) === 200) ok++
        else failed++
      }
    }),
  )
  if (failed > 0) throw new Error(`${failed} saveVolunteer requests failed`)
  return ok / ((Date.now() - started) / 1000)
}

/** Adds volunteers by one INSERT … SELECT over a generated series (no round trip per row). */
async function bulkVolunteers(s: Server, count: number): Promise<number> {
  const t = Date.now()
  const now = new Date().toISOString()
  const series =
    s.database.dialect === 'postgres'
      ? sql`select g as i from generate_series(1, ${count}::int) g`
      : sql`with recursive s(i) as (select 1 union all select i + 1 from s where i < ${count}) select i from s`
  await sql`
    insert into recruit_volunteers (tenant_id, first_name, last_name, name_key, date_of_birth, sex, email, email_key,
      height_cm, weight_kg, consent_to_contact, source, created_at, updated_at)
    select ${s.tenantId}, 'Seed' || i, 'Volunteer', 'seed' || i || '|volunteer', '1980-01-01', 'F',
      'seed' || i || '@example.test', 'seed' || i || '@example.test', '170', '65', 0, 'bulk', ${now}, ${now}
    from (${series}) as series`.execute(s.database.db)
  if (s.database.dialect === 'postgres') await sql`analyze recruit_volunteers`.execute(s.database.db)
  return (Date.now() - t) / 1000
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0

const small = await server('small')
const big = await server('big')
const normal = pgUrl ? undefined : await server('normal', 'normal')
await bulkVolunteers(small, SMALL)
if (normal) await bulkVolunteers(normal, SMALL)
const bulkSeconds = await bulkVolunteers(big, BIG)
console.log(
  `database: ${small.database.dialect}; ${CONNECTIONS} connections; ${ROUNDS} alternating rounds of ${SECONDS}s`,
)
console.log(`bulk-inserted ${BIG.toLocaleString('en')} volunteers in ${bulkSeconds.toFixed(1)}s`)
await measureSave(small, 1) // warm-up (JIT, caches, pools), not reported
await measureSave(big, 1)
if (normal) await measureSave(normal, 1)
const rates = { small: [] as number[], big: [] as number[], normal: [] as number[] }
for (let i = 0; i < ROUNDS; i++) {
  rates.small.push(await measureSave(small))
  rates.big.push(await measureSave(big))
  if (normal) rates.normal.push(await measureSave(normal))
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ')
console.log(
  `saveVolunteer with ${SMALL.toLocaleString('en')} existing: median ${median(rates.small).toFixed(0)} req/s (rounds: ${fmt(rates.small)})`,
)
console.log(
  `saveVolunteer with ${BIG.toLocaleString('en')} existing: median ${median(rates.big).toFixed(0)} req/s (rounds: ${fmt(rates.big)})`,
)
console.log(`ratio: ${(median(rates.big) / median(rates.small)).toFixed(2)} (goal ≥ 0.70)`)
if (normal) {
  const full = median(rates.small)
  const fast = median(rates.normal)
  console.log(
    `saveVolunteer with ${SMALL.toLocaleString('en')} existing, synchronous=NORMAL: median ${fast.toFixed(0)} req/s (rounds: ${fmt(rates.normal)})`,
  )
  console.log(
    `synchronous=FULL (the default) / NORMAL: ${(full / fast).toFixed(2)} — FULL costs ${((1 - full / fast) * 100).toFixed(0)} % of write throughput`,
  )
}

// Booking race: RACERS eligible volunteers ask for CAPACITY places at once.
const race = await createRecruitingStudy(small.database.db, small.tenantId, {
  protocol: 'RACE',
  name: 'Race study',
  sites: [{ siteId: 1, name: 'Bench Unit' }],
  profile: { status: 'recruiting' },
  slots: [{ siteId: 1, start: daysFromNow(3), end: daysFromNow(3, 10), capacity: CAPACITY }],
})
const slotId = race.slotIds[0] ?? 0
const racers: number[] = []
for (let i = 0; i < RACERS; i++) {
  const res = await small.app.inject({
    method: 'POST',
    url: '/api/v1/recruit/saveVolunteer',
    headers: small.headers,
    payload: newVolunteer(),
  })
  racers.push(res.json<{ volunteerId: number }>().volunteerId)
}
const t = Date.now()
const codes = await Promise.all(
  racers.map((volunteerId) =>
    post(small, '/api/v1/recruit/assignAppointment', { volunteerId, appointmentId: slotId }),
  ),
)
const ms = Date.now() - t
const slot = await small.database.db
  .selectFrom('recruit_slots')
  .select('booked')
  .where('id', '=', slotId)
  .executeTakeFirstOrThrow()
const won = codes.filter((c) => c === 200).length
const lost = codes.filter((c) => c === 409).length
const exact = won === CAPACITY && slot.booked === CAPACITY
console.log(
  `booking race: ${RACERS} concurrent bookings for ${CAPACITY} places in ${ms}ms → ${won} booked, ${lost} × 409, ` +
    `${RACERS - won - lost} other; slot booked = ${slot.booked} ${exact ? '(exact)' : '(WRONG)'}`,
)

agent.destroy()
for (const s of [small, big, ...(normal ? [normal] : [])]) {
  await s.app.close()
  await s.database.close()
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl })
    await client.connect()
    await client.query(`drop schema if exists ${s.schema} cascade`)
    await client.end()
  }
}
rmSync(dir, { recursive: true, force: true })
if (!exact) process.exitCode = 1
