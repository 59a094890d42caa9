/**
 * The web app's first-page weight and its users table's speed, in headless Chromium against a real server.
 *
 * - First page: every script and style sheet the sign-in page loads, gzipped (level 6, as a server sends it).
 *   Goal ≤ 250 KB.
 * - Users table: from navigation to /admin/users (signed in, the app not cached) until the table shows its
 *   first page, on a tenant of 1,000 users. Goal ≤ 1 s. The median of BENCH_ROUNDS (default 7) runs.
 *
 *   node --import tsx bench/web.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openMigratedDatabase } from '../src/db/database.js'
import { systemActor } from '../src/modules/audit/service.js'
import { IdentityService } from '../src/modules/identity/service.js'
import { ensureWebBuilt, launchChromium } from '../test/support/web.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const USERS = 1000

ensureWebBuilt()
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-bench-web-'))
const database = await openMigratedDatabase(`sqlite:${join(dir, 'bench.db')}`)
const identity = new IdentityService(database.db)
const tenant = await identity.createTenant('BENCHWEB', 'Bench tenant')
const actor = systemActor(tenant.id)
const password = 'bench-web-password-1'
await identity.createUser(tenant.id, { username: 'admin', password, roles: ['administrator'] }, actor)
for (let i = 1; i < USERS; i++) {
  await identity.createUser(
    tenant.id,
    { username: `user${String(i).padStart(4, '0')}`, displayName: `User number ${i}`, roles: ['viewer'] },
    actor,
  )
}
const app = await buildApp(loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:' }), {
  database,
})
const origin = await app.listen({ port: 0, host: '127.0.0.1' })
const browser = await launchChromium()

try {
  // First page: what /sign-in loads, from a cold cache.
  const cold = await browser.newContext()
  const page = await cold.newPage()
  const assets = new Map<string, Buffer>()
  page.on('response', (r) => {
    const type = r.request().resourceType()
    if (type === 'script' || type === 'stylesheet') {
      void r
        .body()
        .then((b) => assets.set(r.url(), b))
        .catch(() => undefined)
    }
  })
  await page.goto(`${origin}/sign-in`, { waitUntil: 'networkidle' })
  await page.getByLabel('Username').waitFor()
  let raw = 0
  let gzipped = 0
  for (const body of assets.values()) {
    raw += body.length
    gzipped += gzipSync(body, { level: 6 }).length
  }

  // Sign in once; every round then opens the users page in a new page of that context with the cache off.
  await page.getByLabel('Username').fill('admin')
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Customer code').fill('BENCHWEB')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Users' }).waitFor()
  const times: number[] = []
  let rows = 0
  for (let i = 0; i < rounds; i++) {
    const p = await cold.newPage()
    const cdp = await cold.newCDPSession(p)
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    await p.goto(`${origin}/admin/users`)
    await p.locator('table[aria-label="Users"] tbody tr').nth(49).waitFor()
    times.push(await p.evaluate(() => performance.now()))
    rows = await p.locator('table[aria-label="Users"] tbody tr').count()
    await p.close()
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)] ?? NaN
  console.log(
    JSON.stringify(
      {
        firstPage: {
          files: assets.size,
          rawKB: +(raw / 1024).toFixed(1),
          gzipKB: +(gzipped / 1024).toFixed(1),
        },
        usersTable: {
          tenantUsers: USERS,
          rowsShown: rows,
          medianMs: Math.round(median),
          minMs: Math.round(times[0] ?? NaN),
          maxMs: Math.round(times[times.length - 1] ?? NaN),
          rounds,
        },
        goals: { gzipKB: 250, usersTableMs: 1000 },
      },
      null,
      2,
    ),
  )
} finally {
  await browser.close()
  await app.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
