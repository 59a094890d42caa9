/**
 * Track's grid in headless Chromium, for bench/web.ts: time to render plan 10802's Subjects tab (2 locations ×
 * 26 weeks) and a 50 × 260 plan's (13,000 cells), and the frame times while scrolling the large grid.
 *
 * - Render: from navigation to the grid's first actual cell, and from the actuals' response (its `responseEnd`
 *   in the page's Resource Timing) to that moment — "after the data arrives", goal ≤ 1 s for the large plan.
 * - Scrolling: 120 animation frames, each moving the grid 40 px down and 60 px right (then back), timed with
 *   `requestAnimationFrame` stamps; goal: every frame under 50 ms.
 */
import type { BrowserContext } from 'playwright-core'
import type { Kysely } from 'kysely'
import type { DB } from '../src/db/schema.js'
import { seedDemo } from '../src/seed/demo.js'
import { createBaselinePlan, weeklyPlan } from '../test/support/track.js'

const LOCATIONS = 50
const WEEKS = 260

interface Timing {
  medianMs: number
  afterDataMedianMs: number
  maxAfterDataMs: number
}

/** The demo plans in the DEMO tenant, and the big plan in it too; answers the big plan's id. */
export async function seedTrackBench(db: Kysely<DB>): Promise<number> {
  await seedDemo(db)
  const tenant = await db
    .selectFrom('tenants')
    .select('id')
    .where('code', '=', 'DEMO')
    .executeTakeFirstOrThrow()
  return createBaselinePlan(db, 'sqlite', tenant.id, (studyId) => weeklyPlan(studyId, LOCATIONS, WEEKS))
}

async function signInDemo(context: BrowserContext, origin: string) {
  const page = await context.newPage()
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Username').fill('demo')
  await page.locator('input[type=password]').fill('p@55w0rd')
  await page.getByLabel('Customer code').fill('DEMO')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
  await page.close()
}

const SHOWN = `(() => {
  if (!document.querySelector('input[data-cell]')) return false
  const data = performance.getEntriesByType('resource').find((e) => e.name.includes('/cleartrial-ws/actuals/'))
  return data ? [performance.now(), data.responseEnd] : false
})()`

const SCROLL = `new Promise((resolve) => {
  const grid = document.querySelector('[role=grid]')
  const stamps = []
  let i = 0
  const step = (t) => {
    stamps.push(t)
    const dir = i < 60 ? 1 : -1
    grid.scrollBy(60 * dir, 40 * dir)
    if (++i < 120) requestAnimationFrame(step)
    else resolve(stamps.slice(1).map((s, k) => s - stamps[k]))
  }
  requestAnimationFrame(step)
})`

async function render(context: BrowserContext, url: string, rounds: number): Promise<Timing> {
  const total: number[] = []
  const after: number[] = []
  for (let i = 0; i < rounds; i++) {
    const p = await context.newPage()
    await p.goto(url)
    const shown = await p.waitForFunction(SHOWN, null, { polling: 'raf', timeout: 30_000 })
    const [now = NaN, responseEnd = NaN] = (await shown.jsonValue()) as number[]
    total.push(now)
    after.push(now - responseEnd)
    await p.close()
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN
  return {
    medianMs: Math.round(median(total)),
    afterDataMedianMs: Math.round(median(after)),
    maxAfterDataMs: Math.round(Math.max(...after)),
  }
}

/** `context` must bypass the app's CSP (`bypassCSP: true`): the probes are evaluated as strings. */
export async function benchTrack(context: BrowserContext, origin: string, bigPlanId: number, rounds: number) {
  await signInDemo(context, origin)
  const demo = await render(context, `${origin}/track/10802/subjects`, rounds)
  const big = await render(context, `${origin}/track/${bigPlanId}/subjects`, rounds)
  const p = await context.newPage()
  await p.goto(`${origin}/track/${bigPlanId}/subjects`)
  await p.locator('input[data-cell]').first().waitFor()
  const frames = (await p.evaluate<number[]>(SCROLL)).sort((a, b) => a - b)
  const inDom = await p.locator('[role=grid] [role=gridcell]').count()
  await p.close()
  return {
    plan10802Subjects: demo,
    plan50x260Subjects: { ...big, cells: LOCATIONS * WEEKS, gridcellsInDom: inDom },
    scrolling50x260: {
      frames: frames.length,
      medianFrameMs: +(frames[Math.floor(frames.length / 2)] ?? NaN).toFixed(1),
      p95FrameMs: +(frames[Math.floor(frames.length * 0.95)] ?? NaN).toFixed(1),
      maxFrameMs: +(frames[frames.length - 1] ?? NaN).toFixed(1),
    },
    goals: { afterDataMs50x260: 1000, maxFrameMs: 50 },
  }
}
