/**
 * The server side of `bench/track.ts`: a Trialdeck app on a fresh database with two large baseline plans, and a
 * raw `node:http` server in the same process that sends the same bytes (the baseline). Prints one JSON line.
 */
import { createServer } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { listen } from '../src/server.js'
import { loadConfig } from '../src/config.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { systemActor } from '../src/modules/audit/service.js'
import { IdentityService } from '../src/modules/identity/service.js'
import type { PlanDocument } from '../src/modules/plans/schemas.js'
import { PlansService } from '../src/modules/plans/service.js'
import { createStudy } from '../test/support/track.js'
import { months } from '../src/modules/track/demo.js'

const url =
  process.env.BENCH_DATABASE_URL ??
  `sqlite:${join(mkdtempSync(join(tmpdir(), 'trialdeck-track-bench-')), 'bench.db')}`
// On PostgreSQL the benchmark works in a schema of its own (BENCH_SCHEMA), which bench/track.ts drops afterwards.
const schema = process.env.BENCH_SCHEMA
const database = await openMigratedDatabase(url, url.startsWith('postgres') && schema ? { schema } : {})
const identity = new IdentityService(database.db)
const code = `BENCH${process.pid}`
const tenant = await identity.createTenant(code, 'Track benchmark')
const password = 'bench-password'
await identity.createUser(
  tenant.id,
  { username: 'bench', password, roles: ['administrator'], basicAuthEnabled: true },
  systemActor(tenant.id),
)

const isoDay = (base: string, days: number) =>
  new Date(Date.parse(`${base}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/** 50 locations × 260 weekly periods of sites, subjects and CRFs. */
function weeklyPlan(studyId: number): PlanDocument {
  const locations = Array.from({ length: 50 }, (_, i) => ({ locationId: 100 + i, name: `Country ${i + 1}` }))
  const series = locations.map((l) => ({
    locationId: l.locationId,
    periods: Array.from({ length: 260 }, (_, w) => ({
      date: isoDay('2010-04-01', 7 * w),
      plannedValue: (w % 7) + 1,
    })),
  }))
  return {
    studyId,
    name: 'Weekly benchmark plan',
    startDate: '2010-04-01',
    currency: 'USD',
    locations,
    weekly: { sites: series, subjects: series, crfs: series },
  }
}

/** 5 providers × (10 tasks + fees per task + 5 costs) × 20 locations × 40 months ≈ 100,000 periods. */
function monthlyPlan(studyId: number): PlanDocument {
  const m = months(2012, 1, 40)
  const locations = Array.from({ length: 20 }, (_, i) => ({ locationId: 200 + i, name: `Country ${i + 1}` }))
  const perLocation = () =>
    locations.map((l) => ({
      locationId: l.locationId,
      periods: m.map((p, i) => ({ ...p, plannedValue: 1000 + i + 0.25 })),
    }))
  return {
    studyId,
    name: 'Monthly benchmark plan',
    startDate: '2012-01-01',
    currency: 'USD',
    locations,
    serviceProviders: Array.from({ length: 5 }, (_, p) => ({
      id: 1000 + p,
      name: `Provider ${p + 1}`,
      trackingLevel: 'Pay monthly for work completed' as const,
      majorTasks: Array.from({ length: 10 }, (_, t) => ({
        id: t + 1,
        name: `Task ${t + 1}`,
        isTrackedAsPercentage: false,
        trackingLevel: 'location' as const,
        budget: 500000,
        locations: perLocation(),
      })),
      fees: Array.from({ length: 10 }, (_, t) => ({ majorTaskId: t + 1, locations: perLocation() })),
      costs: Array.from({ length: 5 }, (_, c) => ({
        id: c + 1,
        name: `Cost ${c + 1}`,
        earnedValueTrackingLevel: 'Enter EV and AP' as const,
        locations: perLocation(),
      })),
    })),
  }
}

const plans = new PlansService(database.db, database.dialect)
const actor = systemActor(tenant.id)
const weekly = await plans.create(actor, weeklyPlan(await createStudy(database.db, tenant.id)), {
  baseline: true,
})
const monthly = await plans.create(actor, monthlyPlan(await createStudy(database.db, tenant.id)), {
  baseline: true,
})

const app = await buildApp(
  loadConfig(
    {},
    { logLevel: 'warn', databaseUrl: url, bodyLimit: 64 * 1024 * 1024, rateLimitMax: 1_000_000_000 },
  ),
  {
    database,
  },
)
await listen(app, { port: 0, host: '127.0.0.1' }) // as `trialdeck serve` does
const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : 0
const headers = {
  authorization: `Basic ${Buffer.from(`bench:${password}`).toString('base64')}`,
  customercode: code,
}

let peakRss = process.memoryUsage().rss
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}, 20).unref()

// The baseline: the same bytes, with the same headers, from a bare node:http server in this process.
const sample = await fetch(`http://127.0.0.1:${port}/cleartrial-ws/actuals/${weekly.id}/subjects`, {
  headers,
})
const bytes = Buffer.from(await sample.arrayBuffer())
const raw = createServer((req, res) => {
  if (req.url === '/memory') {
    res.end(JSON.stringify({ peakRss, maxRss: process.resourceUsage().maxRSS * 1024 }))
    return
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length })
  res.end(bytes)
})
await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
const rawAddress = raw.address()
const rawPort = typeof rawAddress === 'object' && rawAddress ? rawAddress.port : 0
process.stdout.write(
  `${JSON.stringify({ port, rawPort, headers, weeklyPlanId: weekly.id, monthlyPlanId: monthly.id, bytes: bytes.length, dialect: database.dialect })}\n`,
)
