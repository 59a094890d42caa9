/**
 * Login timing: does a failed Basic login take as long for an unknown username as for a wrong password (and for
 * an inactive or a locked account)? If not, the timing tells an attacker which accounts exist. Each round sends
 * one failing login of every kind, in a shuffled order, through the whole server (fastify, authentication, the
 * password check, the audit record), and the median per kind is compared with the wrong-password median measured
 * in the same run. Goal: every median within 20 % of the wrong password's.
 *
 *   npx tsx bench/login.ts                                              # SQLite (temporary file)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/login.ts
 *   BENCH_ROUNDS=200 …                                                  # knobs
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { systemActor } from '../src/modules/audit/service.js'
import { IdentityService } from '../src/modules/identity/service.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200)
const pgUrl = process.env.BENCH_DATABASE_URL
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-bench-login-'))
const schema = `bench_login_${process.pid}`
const url = pgUrl ?? `sqlite:${join(dir, 'login.db')}`
const database = await openMigratedDatabase(url, pgUrl ? { schema } : {})
// No lockout and no per-address limit during the run, so that every round meets the same states.
const config = loadConfig(
  {},
  {
    logLevel: 'silent',
    databaseUrl: url,
    lockoutThreshold: 1_000_000_000,
    loginSourceMax: 1_000_000,
    rateLimitMax: 1_000_000_000,
  },
)
const app = await buildApp(config, { database })
await app.ready()

const identity = new IdentityService(database.db)
const tenant = await identity.createTenant(`LOGIN${process.pid}`, 'Login bench')
const actor = systemActor(tenant.id)
const password = `right-${randomBytes(8).toString('hex')}`
for (const [username, active] of [
  ['known', true],
  ['inactive', false],
  ['locked', true],
] as const) {
  await identity.createUser(tenant.id, { username, password, basicAuthEnabled: true, active }, actor)
}
await database.db
  .updateTable('users')
  .set({ locked_until: new Date(Date.now() + 86_400_000).toISOString() })
  .where('tenant_id', '=', tenant.id)
  .where('username', '=', 'locked')
  .execute()

const KINDS = {
  'wrong password': ['known', 'not-the-password'],
  'unknown user': ['nobody-by-this-name', 'not-the-password'],
  'inactive account': ['inactive', 'not-the-password'],
  'locked account': ['locked', 'not-the-password'],
} as const
type Kind = keyof typeof KINDS

let client = 0
async function attempt(kind: Kind): Promise<number> {
  const [username, pass] = KINDS[kind]
  const headers = {
    authorization: `Basic ${Buffer.from(`${username}:${pass}`).toString('base64')}`,
    customercode: tenant.code,
  }
  client++
  const t = process.hrtime.bigint()
  const res = await app.inject({
    url: '/api/v1/me',
    headers,
    remoteAddress: `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}`,
  })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (res.statusCode !== 401) throw new Error(`${kind}: expected 401, got ${res.statusCode}`)
  return ms
}

const kinds = Object.keys(KINDS) as Kind[]
const times = Object.fromEntries(kinds.map((k) => [k, [] as number[]])) as Record<Kind, number[]>
for (const k of kinds) await attempt(k) // warm-up, not reported
for (let i = 0; i < ROUNDS; i++) {
  const order = [...kinds].sort(() => Math.random() - 0.5)
  for (const k of order) times[k].push(await attempt(k))
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
const baseline = median(times['wrong password'])
console.log(`database: ${database.dialect}; ${ROUNDS} rounds, one failing login of each kind per round`)
let worst = 0
for (const k of kinds) {
  const m = median(times[k])
  const diff = (m - baseline) / baseline
  if (Math.abs(diff) > Math.abs(worst)) worst = diff
  console.log(
    `${k.padEnd(17)} median ${m.toFixed(2)} ms  (${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)} % vs wrong password)`,
  )
}
const ok = Math.abs(worst) < 0.2
console.log(`largest difference: ${(worst * 100).toFixed(1)} % (goal: within 20 %) ${ok ? 'OK' : 'FAILED'}`)

await app.close()
await database.close()
if (pgUrl) {
  const c = new pg.Client({ connectionString: pgUrl })
  await c.connect()
  await c.query(`drop schema if exists ${schema} cascade`)
  await c.end()
}
rmSync(dir, { recursive: true, force: true })
if (!ok) process.exitCode = 1
