import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { buildApp, type App } from '../../src/app.js'
import type { Database } from '../../src/db/database.js'
import { seedDemo } from '../../src/seed/demo.js'
import { testConfig, testDatabases } from '../support/harness.js'
import { createBaselinePlan, weeklyPlan } from '../support/track.js'
import {
  CHROMIUM,
  ensureWebBuilt,
  launchChromium,
  screenshots,
  SHOTS,
  seriousViolations,
} from '../support/web.js'

/**
 * Track in headless Chromium against a real server with the demo data (plan 10802): editing and saving actuals,
 * a concurrent save by an API client told as a conflict with both versions, a server validation error on its
 * cell, pasting a block, and axe on each state. Screenshots into SHOTS/track.
 */
const skip = !existsSync(CHROMIUM) && `no ${CHROMIUM}`
const DEMO = { username: 'demo', password: 'p@55w0rd', code: 'DEMO' }
const basic = {
  authorization: `Basic ${Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64')}`,
  customercode: DEMO.code,
}

interface Weekly {
  actualSubjects: {
    lockToken: number
    location: { locationId: number; periods: { date: string; actualValue: number | null }[] }[]
  }
}

interface Figures {
  bac: number
  pv: number
  ev: number
  ac: number
  sv: number
  cv: number
  spi: number | null
  cpi: number | null
  tcpi: number | null
  eac: number
  etc: number
  vac: number
  percentComplete: number | null
}
interface Performance {
  plan: Figures
  serviceProviders: (Figures & { name: string })[]
  locations: (Figures & { locationName: string })[]
  series: { startDate: string; endDate: string; pv: number; ev: number | null; ac: number | null }[]
}
/** The dashboard's columns, in order, and how a reader sees each figure (two decimals; a percentage to one). */
const FIGURES = [
  'bac',
  'pv',
  'ev',
  'ac',
  'sv',
  'cv',
  'spi',
  'cpi',
  'tcpi',
  'eac',
  'etc',
  'vac',
  'percentComplete',
] as const
const two = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const pct = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})
function shown(key: string, v: number | null): string {
  if (v === null) return '—'
  return key === 'percentComplete' ? pct.format(v) : two.format(v)
}

async function signIn(page: Page, origin: string) {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Username').fill(DEMO.username)
  await page.locator('input[type=password]').fill(DEMO.password)
  await page.getByLabel('Customer code').fill(DEMO.code)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
}

const cell = (page: Page, location: string, date: string) =>
  page.getByRole('textbox', { name: `${location} actual ${date}`, exact: true })

for (const target of testDatabases()) {
  void describe(`Track in the web app [${target.name}]`, { skip }, () => {
    let database: Database
    let app: App
    let appOrigin: string
    let browser: Browser
    let bigPlanId: number
    const shots = target.name === 'sqlite'

    before(async () => {
      const webRoot = ensureWebBuilt()
      database = await target.open()
      await seedDemo(database.db, () => undefined)
      const demo = await database.db
        .selectFrom('tenants')
        .select('id')
        .where('code', '=', DEMO.code)
        .executeTakeFirstOrThrow()
      bigPlanId = await createBaselinePlan(database.db, target.name, demo.id, (studyId) =>
        weeklyPlan(studyId, 50, 260),
      )
      app = await buildApp(testConfig({ webRoot }), { database })
      appOrigin = await app.listen({ port: 0, host: '127.0.0.1' })
      browser = await launchChromium()
      mkdirSync(join(SHOTS, 'track'), { recursive: true })
    })
    after(async () => {
      await browser.close()
      await app.close()
      await database.close()
      await target.dispose()
    })

    async function subjects(): Promise<Weekly> {
      const res = await fetch(`${appOrigin}/cleartrial-ws/actuals/10802/subjects`, { headers: basic })
      assert.equal(res.status, 200)
      return (await res.json()) as Weekly
    }
    function actual(doc: Weekly, locationId: number, date: string): number | null | undefined {
      return doc.actualSubjects.location
        .find((l) => l.locationId === locationId)
        ?.periods.find((p) => p.date === date)?.actualValue
    }
    async function check(page: Page, name: string) {
      assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`)
      if (shots) await screenshots(page, `track/${name}`)
    }

    async function openSubjects() {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        reducedMotion: 'reduce',
      })
      const page = await ctx.newPage()
      await signIn(page, appOrigin)
      await page.goto(`${appOrigin}/track/10802/subjects`)
      await cell(page, 'USA', '01-Apr-2010').waitFor()
      return { ctx, page }
    }

    void test('edits three actuals on plan 10802’s Subjects tab with the keyboard and saves them', async () => {
      const { ctx, page } = await openSubjects()
      await check(page, 'subjects')
      // The totals of the USA's actual line and of every location's: the edits below must move both.
      const lineTotal = async (where: string) => {
        const row = page
          .locator('[role=row][data-kind="actual"]')
          .filter({ has: page.getByRole('rowheader', { name: where, exact: true }) })
        return Number((await row.locator('[aria-colindex="3"]').textContent())?.replace(/,/g, '') || 0)
      }
      const start = await subjects()
      const was = (id: number, date: string) => actual(start, id, date) ?? 0
      const usaBefore = await lineTotal('USA')
      const allBefore = await lineTotal('Total')
      await cell(page, 'USA', '15-Apr-2010').click()
      await page.keyboard.type('5')
      await page.keyboard.press('Tab')
      await page.keyboard.type('6')
      await page.keyboard.press('Enter')
      // Enter went down to Japan's actuals of the same week.
      assert.equal(
        await page.evaluate("document.activeElement?.getAttribute('aria-label')"),
        'Japan actual 22-Apr-2010',
      )
      await page.keyboard.press('ArrowLeft')
      await page.keyboard.type('4')
      await page.getByText('3 unsaved changes').waitFor()
      assert.equal(await page.locator('[data-changed]').count(), 3, 'the three changed cells are marked')
      const usaDelta = 5 - was(100, '15-Apr-2010') + 6 - was(100, '22-Apr-2010')
      assert.equal(await lineTotal('USA'), usaBefore + usaDelta, 'the edited line’s total follows the edits')
      assert.equal(
        await lineTotal('Total'),
        allBefore + usaDelta + 4 - was(123, '15-Apr-2010'),
        'and so does the total over the locations',
      )
      await check(page, 'subjects-edited')
      const saved = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().includes('/actuals/'),
      )
      await page.getByRole('button', { name: 'Save' }).click()
      const answer = await saved
      assert.equal(answer.status(), 200)
      const sent = answer.request().postDataJSON() as Weekly
      assert.deepEqual(
        sent.actualSubjects.location.map((l) => [l.locationId, l.periods.length]),
        [
          [100, 2],
          [123, 1],
        ],
        'only the changed periods are posted',
      )
      await page.getByText('3 actuals of subjects saved.').waitFor()
      const doc = await subjects()
      assert.equal(actual(doc, 100, '15-Apr-2010'), 5)
      assert.equal(actual(doc, 100, '22-Apr-2010'), 6)
      assert.equal(actual(doc, 123, '15-Apr-2010'), 4)
      assert.equal(await page.locator('[data-changed]').count(), 0)
      // The tab is a deep link: the Sites tab has its own address.
      await page.getByRole('tab', { name: 'Sites' }).click()
      await page.waitForURL(/\/track\/10802\/sites$/)
      await cell(page, 'USA', '01-Apr-2010').waitFor()
      await ctx.close()
    })

    void test('a save over someone else’s shows both versions; re-applying keeps both users’ changes', async () => {
      const { ctx, page } = await openSubjects()
      await cell(page, 'USA', '29-Apr-2010').fill('7')
      await cell(page, 'USA', '06-May-2010').fill('8')
      await cell(page, 'Japan', '29-Apr-2010').fill('2')

      // Meanwhile an API client saves the same resource: one cell the user also changed, one they did not.
      const theirs = await subjects()
      const post = await fetch(`${appOrigin}/cleartrial-ws/actuals/10802/subjects`, {
        method: 'POST',
        headers: { ...basic, 'content-type': 'application/json' },
        body: JSON.stringify({
          actualSubjects: {
            lockToken: theirs.actualSubjects.lockToken,
            location: [
              { locationId: 100, periods: [{ date: '29-Apr-2010', actualValue: 9 }] },
              { locationId: 123, periods: [{ date: '06-May-2010', actualValue: 3 }] },
            ],
          },
        }),
      })
      assert.equal(post.status, 200)

      const refused = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().includes('/actuals/'),
      )
      await page.getByRole('button', { name: 'Save' }).click()
      assert.equal((await refused).status(), 409)
      const alert = page.getByRole('alert').filter({ hasText: 'Someone else saved these actuals meanwhile' })
      await alert.waitFor()
      const both = alert.getByRole('table', { name: 'Cells you both changed' })
      const row = both.getByRole('row', { name: /USA, 29-Apr-2010/ })
      assert.deepEqual(await row.getByRole('cell').allTextContents(), ['USA, 29-Apr-2010', 'empty', '9', '7'])
      assert.equal(await both.getByRole('row').count(), 2, 'one cell both changed (and the header row)')
      // Nothing of the user's was written by the refused save.
      assert.equal(actual(await subjects(), 100, '06-May-2010'), null)
      await check(page, 'subjects-conflict')

      await alert.getByRole('button', { name: 'Re-apply my edits on the latest version' }).click()
      await page.getByText('3 unsaved changes').waitFor()
      // The grid now shows the other user's change too.
      assert.equal(await cell(page, 'Japan', '06-May-2010').inputValue(), '3')
      await check(page, 'subjects-reapplied')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText('3 actuals of subjects saved.').waitFor()
      const doc = await subjects()
      assert.equal(actual(doc, 100, '29-Apr-2010'), 7, 'the user saw theirs (9) and kept their own')
      assert.equal(actual(doc, 100, '06-May-2010'), 8)
      assert.equal(actual(doc, 123, '29-Apr-2010'), 2)
      assert.equal(actual(doc, 123, '06-May-2010'), 3, 'the other user’s change is kept')
      await ctx.close()
    })

    void test('a value the server refuses is shown on its cell, and nothing is written', async () => {
      const { ctx, page } = await openSubjects()
      const before = await subjects()
      await cell(page, 'USA', '13-May-2010').fill('2.5')
      await cell(page, 'Japan', '13-May-2010').fill('1')
      const refused = page.waitForResponse(
        (r) => r.request().method() === 'POST' && r.url().includes('/actuals/'),
      )
      await page.getByRole('button', { name: 'Save' }).click()
      assert.equal((await refused).status(), 400)
      const bad = cell(page, 'USA', '13-May-2010')
      await page.getByRole('alert').filter({ hasText: 'nothing was written' }).waitFor()
      assert.equal(await bad.getAttribute('aria-invalid'), 'true')
      assert.match((await bad.getAttribute('title')) ?? '', /whole number/)
      assert.equal(await cell(page, 'Japan', '13-May-2010').getAttribute('aria-invalid'), null)
      await check(page, 'subjects-invalid')
      const after = await subjects()
      assert.equal(
        after.actualSubjects.lockToken,
        before.actualSubjects.lockToken,
        'the whole save was refused',
      )
      // Correcting the cell clears its mark; the save then goes through.
      await bad.fill('2')
      assert.equal(await bad.getAttribute('aria-invalid'), null)
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText('2 actuals of subjects saved.').waitFor()
      assert.equal(actual(await subjects(), 100, '13-May-2010'), 2)
      await ctx.close()
    })

    void test('a block pasted from a spreadsheet fills the cells from the one pasted into', async () => {
      const { ctx, page } = await openSubjects()
      const target = cell(page, 'USA', '20-May-2010')
      await target.focus()
      // What a spreadsheet puts on the clipboard for two rows of two cells (evaluated in the page, which has a DOM).
      await page.evaluate(`(() => {
        const data = new DataTransfer()
        data.setData('text/plain', '1\\t2\\r\\n3\\t4\\r\\n')
        document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
      })()`)
      await page.getByText('4 unsaved changes').waitFor()
      assert.equal(await cell(page, 'USA', '27-May-2010').inputValue(), '2')
      assert.equal(await cell(page, 'Japan', '20-May-2010').inputValue(), '3')
      assert.equal(await cell(page, 'Japan', '27-May-2010').inputValue(), '4')
      await page.getByRole('button', { name: 'Discard changes' }).click()
      await page.getByText('unsaved changes').waitFor({ state: 'detached' })
      assert.equal(await cell(page, 'USA', '27-May-2010').inputValue(), '')
      await ctx.close()
    })

    void test('a 50 × 260 grid keeps only the cells in view in the page, and the keys move through the rest', async () => {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        reducedMotion: 'reduce',
      })
      const page = await ctx.newPage()
      await signIn(page, appOrigin)
      await page.goto(`${appOrigin}/track/${bigPlanId}/subjects`)
      await cell(page, 'Country 1', '02-Jan-2020').click()
      // Thirty entities down and 25 weeks right, far beyond the rows and columns rendered at first, pressed as
      // fast as Playwright can: every press counts even while the cell it moves to is still being rendered.
      for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowDown')
      for (let i = 0; i < 25; i++) await page.keyboard.press('Tab')
      await page.keyboard.type('7')
      assert.equal(
        await page.evaluate("document.activeElement?.getAttribute('aria-label')"),
        'Country 31 actual 25-Jun-2020',
      )
      await page.getByText('1 unsaved change').waitFor()
      assert.equal(await cell(page, 'Country 31', '25-Jun-2020').inputValue(), '7')
      const inDom = await page.locator('[role=grid] [role=gridcell]').count()
      assert.ok(inDom < 1000, `${inDom} grid cells in the page, of 13,000 and their lines`)
      assert.equal(await cell(page, 'Country 1', '02-Jan-2020').count(), 0, 'the first cell left the page')
      await check(page, 'large-grid')
      // Keys that arrive before the grid has rendered the cell they move to (here all in one task, so it cannot
      // render between them): the moves add up, and what is typed goes into the cell moved to, not the one left.
      await cell(page, 'Country 31', '25-Jun-2020').focus()
      await page.evaluate(`(() => {
        for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'Tab', 'Tab', '4', '2'])
          document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
      })()`)
      await page.getByText('2 unsaved changes').waitFor()
      assert.equal(await cell(page, 'Country 34', '09-Jul-2020').inputValue(), '42')
      assert.equal(await cell(page, 'Country 31', '25-Jun-2020').inputValue(), '7')
      await page.waitForFunction(
        "document.activeElement?.getAttribute('aria-label') === 'Country 34 actual 09-Jul-2020'",
      )
      await page.getByRole('button', { name: 'Discard changes' }).click()
      await page.getByText('unsaved change').waitFor({ state: 'detached' })
      await ctx.close()
    })

    void test('the earned-value dashboard shows the figures of /performance, per plan, provider and location', async () => {
      // Some fees paid, so EV and AC are not all zero.
      const fees = (await (
        await fetch(`${appOrigin}/cleartrial-ws/actuals/47323/fees`, { headers: basic })
      ).json()) as { actualFees: { lockToken: number } }
      const paid = await fetch(`${appOrigin}/cleartrial-ws/actuals/47323/fees`, {
        method: 'POST',
        headers: { ...basic, 'content-type': 'application/json' },
        body: JSON.stringify({
          actualFees: {
            lockToken: fees.actualFees.lockToken,
            serviceProvider: [
              {
                id: 10104,
                majorTask: [
                  {
                    id: 0,
                    location: [
                      { locationId: 0, periods: [{ startDate: '01-Oct-2012', actualValue: 15000 }] },
                    ],
                  },
                ],
              },
            ],
          },
        }),
      })
      assert.equal(paid.status, 200)
      const api = (await (
        await fetch(`${appOrigin}/api/v1/plans/47323/performance?statusDate=2013-06-30`, { headers: basic })
      ).json()) as Performance

      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        reducedMotion: 'reduce',
      })
      const page = await ctx.newPage()
      await signIn(page, appOrigin)
      await page.goto(`${appOrigin}/performance/47323?date=2013-06-30`)
      const byProvider = page.getByRole('table', { name: 'Figures by service provider' })
      await byProvider.waitFor()
      await check(page, 'performance')

      const rowsOf = async (name: string): Promise<string[][]> => {
        const rows = await page.getByRole('table', { name }).locator('tbody tr').all()
        return Promise.all(rows.map((r) => r.locator('th, td').allTextContents()))
      }
      const expected = (name: string, f: Figures) => [name, ...FIGURES.map((k) => shown(k, f[k]))]
      const seen = (rows: string[][]) => rows.map((r) => r.map((c) => c.split(' · ')[0]))
      assert.deepEqual(seen(await rowsOf('Plan figures')), [expected('Plan 47323', api.plan)])
      assert.deepEqual(
        seen(await rowsOf('Figures by service provider')),
        api.serviceProviders.map((p) => expected(p.name, p)),
      )
      assert.deepEqual(
        seen(await rowsOf('Figures by location')),
        api.locations.map((l) => expected(l.locationName, l)),
      )
      assert.deepEqual(
        await rowsOf('Cumulative PV, EV and AC per period'),
        api.series.map((p) => [
          `${p.startDate} – ${p.endDate}`,
          shown('pv', p.pv),
          shown('ev', p.ev),
          shown('ac', p.ac),
        ]),
      )
      assert.ok(api.plan.ac > 0, 'the fee paid shows as actual cost')
      await ctx.close()
    })
  })
}
