import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { buildApp, type App } from '../../src/app.js'
import type { Database } from '../../src/db/database.js'
import { systemActor } from '../../src/modules/audit/service.js'
import { restrictUserToStudies } from '../../src/modules/conduct/access.js'
import { IdentityService } from '../../src/modules/identity/service.js'
import { seedDemo } from '../../src/seed/demo.js'
import { testConfig, testDatabases } from '../support/harness.js'
import { CHROMIUM, ensureWebBuilt, launchChromium, screenshots, seriousViolations } from '../support/web.js'
import { existsSync } from 'node:fs'

/**
 * Reports, EV thresholds and deep links in headless Chromium against a real server with the demo data: a report
 * form filled in and run as a job to a download equal to invokeReport's, a small report downloaded at once, the
 * restricted study not offered, the tenant's thresholds changing the dashboard's colours, and each deep link
 * opening its view. Screenshots into SHOTS/reports.
 */
const skip = !existsSync(CHROMIUM) && `no ${CHROMIUM}`
const DEMO = { username: 'demo', password: 'p@55w0rd', code: 'DEMO' }
const ADMIN = { username: 'admin', password: 'adm1n-p@55w0rd', code: 'DEMO' }
const RESTRICTED = { username: 'restricted', password: 'restricted-pass-1', code: 'DEMO' }
type Who = typeof DEMO
const basicOf = (w: Who) => ({
  authorization: `Basic ${Buffer.from(`${w.username}:${w.password}`).toString('base64')}`,
  customercode: w.code,
  'content-type': 'application/json',
})

async function signIn(page: Page, origin: string, who: Who) {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Username').fill(who.username)
  await page.locator('input[type=password]').fill(who.password)
  await page.getByLabel('Customer code').fill(who.code)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'))
}

async function pick(page: Page, label: RegExp, option: string | RegExp) {
  await page.getByRole('combobox', { name: label }).click()
  await page.getByRole('option', { name: option }).click()
}

for (const target of testDatabases()) {
  void describe(`Reports, EV thresholds and deep links in the web app [${target.name}]`, { skip }, () => {
    let database: Database
    let app: App
    let origin: string
    let browser: Browser
    let demoStudyId: number
    const shots = target.name === 'sqlite'

    before(async () => {
      const webRoot = ensureWebBuilt()
      database = await target.open()
      await seedDemo(database.db, () => undefined)
      app = await buildApp(testConfig({ webRoot }), { database })
      origin = await app.listen({ port: 0, host: '127.0.0.1' })
      browser = await launchChromium()
      const tenant = await database.db
        .selectFrom('tenants')
        .select('id')
        .where('code', '=', 'DEMO')
        .executeTakeFirstOrThrow()
      const study = await database.db
        .selectFrom('studies')
        .select('id')
        .where('tenant_id', '=', tenant.id)
        .where('protocol', '=', 'DEMO-PK-01')
        .executeTakeFirstOrThrow()
      demoStudyId = study.id
      const user = await new IdentityService(database.db).createUser(
        tenant.id,
        { ...RESTRICTED, roles: ['api-integrator'], basicAuthEnabled: true },
        systemActor(tenant.id),
      )
      const other = await database.db
        .selectFrom('studies')
        .select('id')
        .where('tenant_id', '=', tenant.id)
        .where('id', '!=', demoStudyId)
        .orderBy('id')
        .executeTakeFirstOrThrow()
      await restrictUserToStudies(database.db, systemActor(tenant.id), user.id, [other.id])
    })
    after(async () => {
      await browser.close()
      await app.close()
      await database.close()
      await target.dispose()
    })

    async function open(who: Who, path: string) {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        reducedMotion: 'reduce',
        acceptDownloads: true,
      })
      const page = await ctx.newPage()
      await signIn(page, origin, who)
      await page.goto(`${origin}${path}`)
      return { ctx, page }
    }
    async function check(page: Page, name: string) {
      assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`)
      if (shots) await screenshots(page, `reports/${name}`)
    }
    async function invokeReport(who: Who, body: object): Promise<Buffer> {
      const res = await fetch(`${origin}/api/v1/invokeReport`, {
        method: 'POST',
        headers: basicOf(who),
        body: JSON.stringify(body),
      })
      assert.equal(res.status, 200)
      return Buffer.from(await res.arrayBuffer())
    }

    void test('a report form filled in and run as a job downloads what invokeReport gives for the same parameters', async () => {
      const { ctx, page } = await open(DEMO, '/reports')
      await page.getByRole('link', { name: 'Data transfer' }).waitFor()
      await check(page, 'catalogue')
      await page.getByRole('link', { name: 'Data transfer' }).click()
      await page.waitForURL(/\/reports\/transfer/)
      await pick(page, /^Study/, /^DEMO-PK-01/)
      const subjects = page.getByRole('combobox', { name: /^Subjects/ })
      await subjects.fill('1001')
      await subjects.press('Enter')
      await subjects.fill('1002')
      await subjects.press('Enter')
      await page.getByRole('switch', { name: /Include unlocked forms/ }).click()
      await page.waitForURL(/includeUnlockedForms=true/)
      assert.equal(await page.getByRole('switch', { name: /Include unlocked forms/ }).isChecked(), true)
      await pick(page, /^Delimiter/, 'Semicolon (;)')
      await check(page, 'transfer-form')
      // The form's values are its address: the same link opens the form filled in.
      const link = new URL(page.url())
      assert.equal(link.searchParams.get('studyId'), String(demoStudyId))
      assert.equal(link.searchParams.get('subjects'), '1001,1002')
      assert.equal(link.searchParams.get('delimiter'), ';')

      await page.getByRole('button', { name: 'Run in the background' }).click()
      await page.waitForURL(/\/reports\/jobs\/\d+$/)
      const jobId = Number(new URL(page.url()).pathname.split('/').pop())
      const downloadButton = page.getByRole('link', { name: 'Download the result' })
      await downloadButton.waitFor({ timeout: 30_000 })
      await page.getByText(/Done: [\d,]+ rows/).waitFor()
      await check(page, 'job-done')
      const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()])
      const path = await download.path()
      const file = readFileSync(path)
      const direct = await invokeReport(DEMO, {
        reportName: 'transfer',
        studyId: demoStudyId,
        subjects: ['1001', '1002'],
        includeUnlockedForms: true,
        delimiter: ';',
      })
      assert.ok(file.length > 100)
      assert.equal(file.toString('utf8'), direct.toString('utf8'), 'the job’s file equals invokeReport’s')
      assert.match(download.suggestedFilename(), /^transfer_DEMO-PK-01_.*\.csv$/)
      assert.match(file.toString('utf8').split('\n')[0] ?? '', /;/, 'semicolon-delimited')

      // The job is in the recent jobs, and its own address opens it (a link to share).
      await page.goto(`${origin}/reports`)
      const jobs = page.getByRole('table', { name: 'Your recent report jobs' })
      await jobs.getByRole('link', { name: `Job ${jobId}`, exact: true }).waitFor()
      assert.match((await jobs.locator('tbody tr').first().textContent()) ?? '', /succeeded/)
      await check(page, 'catalogue-with-jobs')
      await page.goto(`${origin}/reports/jobs/${jobId}`)
      await page.getByRole('heading', { name: `Report job ${jobId}` }).waitFor()
      // "Run again" opens the form with the job's parameters.
      await page.getByRole('link', { name: 'Run again with these parameters' }).click()
      await page.waitForURL(/\/reports\/transfer\?/)
      assert.equal(new URL(page.url()).searchParams.get('subjects'), '1001,1002')
      await page.getByRole('combobox', { name: /^Study/ }).waitFor()
      assert.match(await page.getByRole('combobox', { name: /^Study/ }).inputValue(), /^DEMO-PK-01/)
      await ctx.close()
    })

    void test('a small report from a deep link downloads at once, equal to invokeReport; bad input is named', async () => {
      const { ctx, page } = await open(
        DEMO,
        `/reports/subjects?studyId=${demoStudyId}&format=json&dateFrom=2000-01-01`,
      )
      await page.getByRole('button', { name: 'Download now' }).waitFor()
      assert.equal(await page.getByRole('combobox', { name: /^Format/ }).inputValue(), 'JSON')
      assert.equal(await page.getByLabel(/^Date from/).inputValue(), '2000-01-01')
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download now' }).click(),
      ])
      const file = readFileSync(await download.path())
      const direct = await invokeReport(DEMO, {
        reportName: 'subjects',
        studyId: demoStudyId,
        format: 'json',
        dateFrom: '2000-01-01',
      })
      assert.deepEqual(JSON.parse(file.toString('utf8')), JSON.parse(direct.toString('utf8')))
      assert.match(download.suggestedFilename(), /^subjects_DEMO-PK-01_.*\.json$/)
      // A date range the server refuses: its message on the field it names, and no download.
      await page.getByLabel(/^Date to/).fill('1999-01-01')
      await page.getByRole('button', { name: 'Download now' }).click()
      await page.getByText('The report was not run').waitFor()
      await page.getByText('must not be before dateFrom').first().waitFor()
      await check(page, 'subjects-refused')
      await ctx.close()
    })

    void test('a user restricted to one study is offered only that study', async () => {
      const { ctx, page } = await open(RESTRICTED, '/reports/subjects')
      await page.getByRole('combobox', { name: /^Study/ }).click()
      const options = await page.getByRole('option').allTextContents()
      assert.equal(options.length, 1, options.join(' | '))
      assert.doesNotMatch(options[0] ?? '', /DEMO-PK-01/)
      await page.keyboard.press('Escape')
      // A link naming the restricted study says so instead of offering it.
      await page.goto(`${origin}/reports/subjects?studyId=${demoStudyId}`)
      await page.getByText('This study is not offered to you').waitFor()
      assert.equal(await page.getByRole('button', { name: 'Download now' }).isDisabled(), true)
      await check(page, 'restricted')
      await ctx.close()
    })

    void test('the tenant’s thresholds change the dashboard’s colours', async () => {
      const url = '/performance/47323?date=2013-06-30'
      const perf = (await (
        await fetch(`${origin}/api/v1/plans/47323/performance?statusDate=2013-06-30`, {
          headers: basicOf(DEMO),
        })
      ).json()) as { plan: { tcpi: number | null } }
      assert.equal(perf.plan.tcpi, 1, 'the demo plan needs the efficiency it had: TCPI 1')
      const { ctx, page } = await open(ADMIN, url)
      const badge = page.locator(
        "xpath=//dt[normalize-space()='TCPI']/following-sibling::dd//*[@data-standing]",
      )
      const standingAfter = async (green: string, amber: string) => {
        await page.goto(`${origin}/admin/tenant`)
        await page.getByLabel('TCPI green up to').fill(green)
        await page.getByLabel('TCPI amber up to').fill(amber)
        await page.getByRole('button', { name: 'Save thresholds' }).click()
        await page.getByText('Earned-value thresholds saved').waitFor()
        await page.goto(`${origin}${url}`)
        await badge.waitFor()
        return badge.getAttribute('data-standing')
      }
      await badge.waitFor()
      assert.equal(await page.getByLabel('Status date').inputValue(), '2013-06-30', 'the date from the link')
      assert.match((await badge.textContent()) ?? '', /^1\.00 · on track$/, 'TCPI 1 is green by default')
      assert.equal(await badge.getAttribute('data-standing'), 'green')

      assert.equal(await standingAfter('0.95', '1.05'), 'yellow')
      assert.match((await badge.textContent()) ?? '', /watch/)
      await check(page, 'performance-amber')
      assert.equal(await standingAfter('0.5', '0.9'), 'red')
      assert.match((await badge.textContent()) ?? '', /off track/)

      // A band in the wrong order is refused on its field; the defaults come back with one action.
      await page.goto(`${origin}/admin/tenant`)
      await page.getByLabel('TCPI green up to').fill('1.2')
      await page.getByLabel('TCPI amber up to').fill('1.1')
      await page.getByRole('button', { name: 'Save thresholds' }).click()
      await page.getByText('must not be below green (1.2)').first().waitFor()
      await check(page, 'tenant-thresholds-refused')
      await page.getByRole('button', { name: 'Use the defaults' }).click()
      await page.getByText('Earned-value thresholds back to the defaults').waitFor()
      await page.goto(`${origin}${url}`)
      await badge.waitFor()
      assert.equal(await badge.getAttribute('data-standing'), 'green')
      await ctx.close()
    })

    void test('deep links open their view: a plan’s tab, the dashboard at a date, a report with its parameters', async () => {
      const { ctx, page } = await open(DEMO, '/track/10802/crfs')
      const tab = page.getByRole('tab', { name: 'CRF pages' })
      await tab.waitFor()
      assert.equal(await tab.getAttribute('aria-selected'), 'true')
      assert.equal(await page.getByRole('tab', { name: 'Subjects' }).getAttribute('aria-selected'), 'false')
      await page.goto(`${origin}/reports/visit-completion?studyId=${demoStudyId}&format=xlsx`)
      await page.getByRole('heading', { name: 'Visit completion' }).waitFor()
      assert.equal(await page.getByRole('combobox', { name: /^Format/ }).inputValue(), 'Excel (xlsx)')
      await page.goto(`${origin}/reports/jobs/999999`)
      await page.getByText('Job 999999 could not be loaded').waitFor()
      await ctx.close()
    })
  })
}
