/**
 * The web app's first-page weight and its users table's speed, in headless Chromium against a real server.
 *
 * - First page: every script and style sheet the sign-in page loads, gzipped (level 6, as a server sends it).
 *   Goal ≤ 250 KB.
 * - Users table, on a tenant of 1,000 users, from navigation to /admin/users (signed in; with the browser cache
 *   off, and again with the app's assets cached). The table is one virtualised, scrollable list that loads the
 *   users 200 at a time as the view nears the last row loaded. Two times, by the page's own clock:
 *   `firstRowsMs` — until the first screen of rows is shown; `allUsersMs` — until the whole tenant is in the
 *   table, as someone who drags the scrollbar to the end at once sees it: the bench scrolls the table to its
 *   bottom at every frame, and stops when the last user's row is rendered and the count below says
 *   "1,000 users" (every page loaded). Goal ≤ 1 s. The median of BENCH_ROUNDS (default 7) runs.
 *
 *   node --import tsx bench/web.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openMigratedDatabase } from '../src/migrations.js'
import { systemActor } from '../src/modules/audit/service.js'
import { IdentityService } from '../src/modules/identity/service.js'
import type { Response } from 'playwright-core'
import { ensureWebBuilt, launchChromium } from '../test/support/web.js'
import { benchTrack, seedTrackBench } from './web-track.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 7)
const USERS = 1000

ensureWebBuilt()
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-bench-web-'))
const database = await openMigratedDatabase(`sqlite:${join(dir, 'bench.db')}`)
const bigPlanId = await seedTrackBench(database.db)
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
  const loads: Promise<Buffer>[] = []
  const record = (r: Response) => {
    const type = r.request().resourceType()
    if (type === 'script' || type === 'stylesheet') loads.push(r.body())
  }
  page.on('response', record)
  await page.goto(`${origin}/sign-in`, { waitUntil: 'networkidle' })
  await page.getByLabel('Username').waitFor()
  page.off('response', record)
  const assets = await Promise.all(loads)
  let raw = 0
  let gzipped = 0
  for (const body of assets) {
    raw += body.length
    gzipped += gzipSync(body, { level: 6 }).length
  }

  // Sign in once; every round then opens the users page in a new page of that context.
  await page.getByLabel('Username').fill('admin')
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByLabel('Customer code').fill('BENCHWEB')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Users' }).waitFor()
  interface Timing {
    medianMs: number
    minMs: number
    maxMs: number
  }
  const summary = (times: number[]): Timing => {
    const sorted = [...times].sort((x, y) => x - y)
    const at = (k: number) => Math.round(sorted[k] ?? NaN)
    return { medianMs: at(Math.floor(sorted.length / 2)), minMs: at(0), maxMs: at(sorted.length - 1) }
  }
  const last = `user${String(USERS - 1).padStart(4, '0')}`
  /** Navigation to the first rows, and to the whole tenant in the table; in ms by the page's own clock. */
  async function usersTable(cache: boolean): Promise<{ firstRowsMs: Timing; allUsersMs: Timing }> {
    const first: number[] = []
    const all: number[] = []
    for (let i = 0; i < rounds; i++) {
      const p = await cold.newPage()
      const cdp = await cold.newCDPSession(p)
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache })
      await p.goto(`${origin}/admin/users`)
      // Checked in the page at every frame, so the time is when the rows were there, not when we looked.
      const shown = await p.waitForFunction(
        () => {
          // The page's DOM, typed here as far as this needs (this file compiles without the DOM library).
          const doc = (
            globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }
          ).document
          return (
            doc.querySelectorAll('table[aria-label="Users"] tbody tr[aria-rowindex]').length >= 10 &&
            performance.now()
          )
        },
        null,
        { polling: 'raf', timeout: 30_000 },
      )
      first.push(Number(await shown.jsonValue()))
      const whole = await p.waitForFunction(
        ({ lastName, count }) => {
          interface El {
            scrollTop: number
            scrollHeight: number
            textContent: string | null
          }
          const doc = (
            globalThis as unknown as {
              document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> }
            }
          ).document
          const region = doc.querySelector('[role="region"][aria-label="Users (scrolls)"]')
          if (!region) return false
          region.scrollTop = region.scrollHeight
          const status = doc.querySelector('main [role="status"]')?.textContent ?? ''
          const links = Array.from(doc.querySelectorAll('table[aria-label="Users"] tbody tr a'))
          return (
            status === `${count} users` && links.some((a) => a.textContent === lastName) && performance.now()
          )
        },
        { lastName: last, count: USERS.toLocaleString('en-US') },
        { polling: 'raf', timeout: 30_000 },
      )
      all.push(Number(await whole.jsonValue()))
      await p.close()
    }
    return { firstRowsMs: summary(first), allUsersMs: summary(all) }
  }
  const noCache = await usersTable(false)
  const cached = await usersTable(true)
  console.log(
    JSON.stringify(
      {
        firstPage: {
          files: assets.length,
          rawKB: +(raw / 1024).toFixed(1),
          gzipKB: +(gzipped / 1024).toFixed(1),
        },
        usersTable: { tenantUsers: USERS, rounds, cacheDisabled: noCache, assetsCached: cached },
        goals: { gzipKB: 250, usersTableMs: 1000 },
      },
      null,
      2,
    ),
  )
  const track = await benchTrack(await browser.newContext({ bypassCSP: true }), origin, bigPlanId, rounds)
  console.log(JSON.stringify({ track }, null, 2))
} finally {
  await browser.close()
  await app.close()
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
