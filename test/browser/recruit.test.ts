import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { buildApp, type App } from '../../src/app.js'
import type { Database } from '../../src/db/database.js'
import { systemActor } from '../../src/modules/audit/service.js'
import { IdentityService } from '../../src/modules/identity/service.js'
import { DEMO_WEBSITE_USER } from '../../src/modules/recruit/demo.js'
import { seedDemo } from '../../src/seed/demo.js'
import { testConfig, testDatabases } from '../support/harness.js'
import {
  CHROMIUM,
  ensureWebBuilt,
  launchChromium,
  screenshots,
  SHOTS,
  seriousViolations,
} from '../support/web.js'

/**
 * Recruitment in headless Chromium against a real server with the demo data: a volunteer registered by the
 * website account appears in the volunteers list, on their page and in the funnel (whose table equals the
 * recruitment-funnel report); a site-restricted user sees only that site's volunteers; a slot is added to a
 * site's week and removed. axe on every page; screenshots into SHOTS/recruit.
 */
const skip = !existsSync(CHROMIUM) && `no ${CHROMIUM}`
const CODE = 'DEMO'
const RECRUITER = { username: 'recruiter', password: 'recruiter-password-1' }
const NURSE = { username: 'riverside-nurse', password: 'riverside-password-1' }
const basic = (u: { username: string; password: string }) => ({
  authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString('base64')}`,
  customercode: CODE,
  'content-type': 'application/json',
})
const STAGES = ['VOLUNTEERS', 'INTERESTED', 'BOOKED', 'SCREENED', 'ENROLLED'] as const
type FunnelRow = Record<(typeof STAGES)[number] | 'SITENAME', string | number> & { SITEID: number | null }

async function signIn(page: Page, origin: string, u: { username: string; password: string }) {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Username').fill(u.username)
  await page.locator('input[type=password]').fill(u.password)
  await page.getByLabel('Customer code').fill(CODE)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}

const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`

for (const target of testDatabases()) {
  void describe(`Recruitment in the web app [${target.name}]`, { skip }, () => {
    let database: Database
    let app: App
    let origin: string
    let browser: Browser
    let studyId: number
    const shots = target.name === 'sqlite'
    const surname = `Webtest${Date.now()}`
    let volunteerId: number

    const call = async (
      path: string,
      init: { method?: string; body?: unknown; as?: typeof RECRUITER } = {},
    ) => {
      const res = await fetch(`${origin}${path}`, {
        method: init.method ?? 'GET',
        headers: basic(init.as ?? RECRUITER),
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })
      const text = await res.text()
      return { status: res.status, json: (text ? JSON.parse(text) : null) as unknown }
    }
    const funnel = async () => {
      const r = await call('/api/v1/invokeReport', {
        method: 'POST',
        body: { reportName: 'recruitment-funnel', studyId, format: 'json' },
      })
      assert.equal(r.status, 200)
      return r.json as FunnelRow[]
    }
    async function check(page: Page, name: string) {
      assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`)
      if (shots) await screenshots(page, `recruit/${name}`)
    }
    async function open(u: typeof RECRUITER) {
      const ctx = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        reducedMotion: 'reduce',
      })
      const page = await ctx.newPage()
      await signIn(page, origin, u)
      return { ctx, page }
    }

    before(async () => {
      const webRoot = ensureWebBuilt()
      database = await target.open()
      await seedDemo(database.db, () => undefined)
      app = await buildApp(testConfig({ webRoot }), { database })
      origin = await app.listen({ port: 0, host: '127.0.0.1' })
      browser = await launchChromium()
      mkdirSync(join(SHOTS, 'recruit'), { recursive: true })
      const identity = new IdentityService(database.db)
      const tenant = await database.db
        .selectFrom('tenants')
        .select('id')
        .where('code', '=', CODE)
        .executeTakeFirstOrThrow()
      const actor = systemActor(tenant.id)
      await identity.createUser(
        tenant.id,
        { ...RECRUITER, roles: ['administrator'], basicAuthEnabled: true },
        actor,
      )
      const role = await database.db
        .insertInto('roles')
        .values({
          tenant_id: tenant.id,
          name: 'site-nurse',
          description: null,
          built_in: 0,
          created_at: '2026-01-01',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await database.db
        .insertInto('role_actions')
        .values({ role_id: role.id, action: 'studies.view' })
        .execute()
      const nurse = await identity.createUser(tenant.id, { ...NURSE, roles: ['site-nurse'] }, actor)
      const restrict = await call(`/api/v1/volunteer-site-restrictions/${nurse.id}`, {
        method: 'PUT',
        body: { siteIds: [2] },
      })
      assert.equal(restrict.status, 200, JSON.stringify(restrict.json))
      const studies = (await call('/api/v1/studies?limit=500')).json as {
        items: { id: number; protocol: string }[]
      }
      const pk = studies.items.find((s) => s.protocol === 'RECRUIT-PK-01')
      assert.ok(pk, 'the demo has RECRUIT-PK-01')
      studyId = pk.id
    })
    after(async () => {
      await browser.close()
      await app.close()
      await database.close()
      await target.dispose()
    })

    void test('a volunteer registered by the website appears in the list, on their page and in the funnel', async () => {
      const before = await funnel()
      const saved = await call('/api/v1/recruit/saveVolunteer', {
        method: 'POST',
        as: DEMO_WEBSITE_USER,
        body: {
          firstName: 'Webby',
          lastName: surname,
          dateOfBirth: '1991-02-03',
          sex: 'F',
          email: `${surname.toLowerCase()}@example.test`,
          heightCm: 170,
          weightKg: 65,
          healthyVolunteer: true,
          sitePreferenceId: 1,
          consentToContact: true,
          answers: [{ question: 'Do you currently smoke?', answer: false }],
          source: 'website',
        },
      })
      assert.equal(saved.status, 200, JSON.stringify(saved.json))
      volunteerId = (saved.json as { volunteerId: number }).volunteerId
      const interest = await call('/api/v1/recruit/expressInterest', {
        method: 'POST',
        as: DEMO_WEBSITE_USER,
        body: { volunteerId, studyId },
      })
      assert.equal(interest.status, 200, JSON.stringify(interest.json))
      const now = await funnel()
      const total = (rows: FunnelRow[]) => rows.find((r) => r.SITEID === null)
      const main = (rows: FunnelRow[]) => rows.find((r) => r.SITEID === 1)
      assert.equal(Number(total(now)?.VOLUNTEERS), Number(total(before)?.VOLUNTEERS) + 1)
      assert.equal(Number(main(now)?.INTERESTED), Number(main(before)?.INTERESTED) + 1)

      const { ctx, page } = await open(RECRUITER)
      await page.getByRole('link', { name: 'Recruitment' }).click()
      await page.getByRole('link', { name: 'RECRUIT-PK-01' }).waitFor()
      await page
        .getByText('could not load')
        .waitFor({ state: 'detached' })
        .catch(() => undefined)
      await check(page, 'studies')
      await page.getByRole('link', { name: 'RECRUIT-PK-01' }).click()
      await page.getByLabel('Public title').waitFor()
      await check(page, 'study-profile')
      const title = `A study of a new pain medicine (${surname})`
      await page.getByLabel('Public title').fill(title)
      await page.getByRole('button', { name: 'Save profile' }).click()
      await page.getByText('Profile saved').waitFor()
      const profile = (await call(`/api/v1/studies/${studyId}/recruitment`)).json as {
        publicTitle: string
        requiredAnswers: unknown[]
      }
      assert.equal(profile.publicTitle, title)
      assert.equal(profile.requiredAnswers.length, 1, 'the fields not on the form are kept')
      await page.getByRole('tab', { name: 'Sites and slots' }).click()
      await page.waitForURL(new RegExp(`/recruit/studies/${studyId}/sites$`))
      await page.getByRole('link', { name: 'Slots of Main Street Clinic' }).waitFor()
      await check(page, 'study-sites')
      await page.getByRole('tab', { name: 'Cohorts' }).click()
      await page.getByRole('table', { name: 'Cohorts' }).waitFor()
      await check(page, 'study-cohorts')
      await page.goto(`${origin}/recruit/questions`)
      await page.getByRole('table', { name: 'Volunteer questions' }).waitFor()
      await check(page, 'questions')

      // The funnel tab is a deep link; its table holds exactly the report's figures.
      await page.goto(`${origin}/recruit/studies/${studyId}/funnel`)
      const table = page.getByRole('table', { name: 'Recruitment funnel per site' })
      await table.waitFor()
      const shown: string[][] = []
      for (const tr of await table.locator('tbody tr').all())
        shown.push((await tr.locator('th, td').allTextContents()).map((t) => t.trim()))
      assert.deepEqual(
        shown,
        now.map((r) => [String(r.SITENAME), ...STAGES.map((s) => String(r[s]))]),
      )
      const chart = page.getByRole('img', { name: /^Recruitment funnel, All sites:/ })
      assert.match(
        (await chart.getAttribute('aria-label')) ?? '',
        new RegExp(`Volunteers ${total(now)?.VOLUNTEERS},`),
      )
      await check(page, 'study-funnel')
      await page.getByRole('combobox', { name: 'Funnel of' }).click()
      await page.getByRole('option', { name: 'Main Street Clinic (site 1)' }).click()
      await page.waitForURL(/site=1$/)
      await page.getByRole('img', { name: /^Recruitment funnel, Main Street Clinic:/ }).waitFor()

      // The volunteers list, searched by name; the search is in the address.
      await page.getByRole('link', { name: 'Volunteers', exact: true }).click()
      await page.getByLabel('Name or email').fill(surname.toLowerCase())
      await page.getByRole('button', { name: 'Search' }).click()
      await page.waitForURL(new RegExp(`q=${surname.toLowerCase()}`))
      const row = page.getByRole('link', { name: `${surname}, Webby` })
      await row.waitFor()
      await check(page, 'volunteers')
      // By study and stage too.
      await page.goto(
        `${origin}/recruit/volunteers?studyId=${studyId}&status=interested&q=${surname.toLowerCase()}`,
      )
      await row.waitFor()
      await page.goto(
        `${origin}/recruit/volunteers?studyId=${studyId}&status=booked&q=${surname.toLowerCase()}`,
      )
      await page.getByText('No volunteers').waitFor()
      await page.goto(`${origin}/recruit/volunteers?q=${surname.toLowerCase()}`)
      await row.click()
      await page.waitForURL(new RegExp(`/recruit/volunteers/${volunteerId}$`))
      await page.getByRole('heading', { name: `Webby ${surname}` }).waitFor()
      await page.getByRole('table', { name: 'Answers' }).getByText('Do you currently smoke?').waitFor()
      await page
        .getByRole('region', { name: 'Interests' })
        .getByRole('link', { name: /RECRUIT-PK-01/ })
        .waitFor()
      await page
        .getByRole('button', { name: /^History \d+: volunteer\./ })
        .first()
        .waitFor()
      await check(page, 'volunteer')
      await ctx.close()
    })

    void test('a user restricted to one site sees only the volunteers of that site', async () => {
      const everyone = (await call('/api/v1/volunteers?limit=500')).json as {
        items: { volunteerId: number; sitePreferenceId: number | null; lastName: string; firstName: string }[]
      }
      const riverside = everyone.items.filter((v) => v.sitePreferenceId === 2)
      const others = everyone.items.filter((v) => v.sitePreferenceId !== 2)
      assert.ok(riverside.length > 0 && others.length > 0, 'the demo has volunteers at both sites')
      const { ctx, page } = await open(NURSE)
      await page.goto(`${origin}/recruit/volunteers`)
      await page.getByRole('table', { name: 'Volunteers' }).waitFor()
      const names = await page
        .getByRole('table', { name: 'Volunteers' })
        .locator('tbody tr td:first-child')
        .allTextContents()
      assert.deepEqual(names.sort(), riverside.map((v) => `${v.lastName}, ${v.firstName}`).sort())
      await check(page, 'volunteers-restricted')
      // A volunteer of another site answers as if absent, even by their address.
      const elsewhere = others[0]
      assert.ok(elsewhere)
      await page.goto(`${origin}/recruit/volunteers/${elsewhere.volunteerId}`)
      await page.getByText('The volunteer could not be loaded').waitFor()
      // Without studies.manage there is nothing to change; without reports.run the funnel says why.
      await page.goto(`${origin}/recruit/studies/${studyId}/funnel`)
      await page.getByText('The funnel is a report').waitFor()
      await ctx.close()
    })

    void test('adds a slot to a site’s week and removes it', async () => {
      const monday = new Date()
      monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7) + 14)
      const wednesday = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 2)
      const slots = async () =>
        (
          (await call(`/api/v1/studies/${studyId}/sites/2/slots?limit=1000`)).json as {
            items: { appointmentId: number; start: string; capacity: number }[]
          }
        ).items
      const { ctx, page } = await open(RECRUITER)
      await page.goto(`${origin}/recruit/studies/${studyId}/sites/2/slots?week=${isoDay(monday)}`)
      await page.getByRole('heading', { name: 'Screening slots · Riverside Unit' }).waitFor()
      const form = page.getByRole('form', { name: 'Add a slot' })
      await form.getByLabel('Date').fill(isoDay(wednesday))
      await form.getByLabel('From').fill('14:00')
      await form.getByLabel('To').fill('15:30')
      await form.getByLabel('Places').fill('3')
      const before = await slots()
      await form.getByRole('button', { name: 'Add slot' }).click()
      const day = page
        .getByRole('region', { name: new RegExp(`${wednesday.getDate()}`) })
        .filter({ hasText: '3 left' })
      await day.getByText('3 left').waitFor()
      const after = await slots()
      assert.equal(after.length, before.length + 1)
      const added = after.find((s) => !before.some((b) => b.appointmentId === s.appointmentId))
      assert.ok(added, 'the new slot is listed')
      assert.equal(added.capacity, 3)
      assert.equal(added.start, new Date(`${isoDay(wednesday)}T14:00`).toISOString())
      await check(page, 'slots-week')
      await day.getByRole('button', { name: /^Remove slot / }).click()
      await day.waitFor({ state: 'detached' })
      assert.deepEqual(
        (await slots()).map((s) => s.appointmentId),
        before.map((s) => s.appointmentId),
      )
      // The week is a deep link: next week's address holds next week.
      await page.getByRole('button', { name: 'Next week' }).click()
      const next = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7)
      const sunday = new Date(next.getFullYear(), next.getMonth(), next.getDate() + 6)
      await page.waitForURL(new RegExp(`from=${isoDay(next)}&to=${isoDay(sunday)}$`))
      await ctx.close()
    })

    void test('shows the slots of the dates asked for, and asks the server for those dates only', async () => {
      // Two slots at the Riverside Unit, a week apart, four and five weeks ahead (no demo slot is that far).
      const monday = new Date()
      monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7) + 28)
      const day = (n: number) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + n)
      const ids: number[] = []
      for (const n of [1, 8]) {
        const r = await call(`/api/v1/studies/${studyId}/sites/2/slots`, {
          method: 'POST',
          body: {
            start: new Date(`${isoDay(day(n))}T10:00`).toISOString(),
            end: new Date(`${isoDay(day(n))}T11:00`).toISOString(),
            capacity: 2,
          },
        })
        assert.equal(r.status, 201, JSON.stringify(r.json))
        ids.push((r.json as { appointmentId: number }).appointmentId)
      }
      const { ctx, page } = await open(RECRUITER)
      const cards = page.getByRole('listitem', { name: /^Slot / })
      const asked = () =>
        page
          .waitForRequest((r) => r.url().includes(`/api/v1/studies/${studyId}/sites/2/slots?`))
          .then((r) => new URL(r.url()).searchParams)
      let request = asked()
      await page.goto(`${origin}/recruit/studies/${studyId}/sites/2/slots?week=${isoDay(monday)}`)
      let query = await request
      assert.equal(query.get('from'), day(0).toISOString(), 'from the Monday’s midnight')
      assert.equal(query.get('to'), day(7).toISOString(), 'to the midnight after the Sunday')
      await page.getByText('1 slot this week, 2 places left.').waitFor()
      assert.equal(await cards.count(), 1)

      // Two weeks, through the dates form; the dates are in the address.
      const form = page.getByRole('form', { name: 'Dates' })
      await form.getByLabel('First day').fill(isoDay(day(0)))
      await form.getByLabel('Last day').fill(isoDay(day(13)))
      request = asked()
      await form.getByRole('button', { name: 'Show slots' }).click()
      query = await request
      assert.equal(query.get('from'), day(0).toISOString())
      assert.equal(query.get('to'), day(14).toISOString())
      await page.waitForURL(new RegExp(`from=${isoDay(day(0))}&to=${isoDay(day(13))}$`))
      await page.getByText('2 slots on these dates, 4 places left.').waitFor()
      assert.equal(await cards.count(), 2)
      await check(page, 'slots-dates')

      // Dates the wrong way round: the server refuses them, and the page says so.
      await form.getByLabel('First day').fill(isoDay(day(13)))
      await form.getByLabel('Last day').fill(isoDay(day(0)))
      await form.getByRole('button', { name: 'Show slots' }).click()
      const refused = page.getByRole('alert').filter({ hasText: 'The slots could not be loaded' })
      await refused.getByText('/querystring/to: must be after from', { exact: true }).waitFor()
      await ctx.close()
      for (const id of ids)
        assert.equal(
          (await call(`/api/v1/studies/${studyId}/sites/2/slots/${id}`, { method: 'DELETE' })).status,
          204,
        )
    })

    void test('removes a site from a study, and a site with slots is refused in the server’s words', async () => {
      const sites = async () =>
        ((await call(`/api/v1/studies/${studyId}/sites`)).json as { items: { siteId: number }[] }).items.map(
          (x) => x.siteId,
        )
      const { ctx, page } = await open(RECRUITER)
      await page.goto(`${origin}/recruit/studies/${studyId}/sites`)
      const add = page.getByRole('form', { name: 'Add a site' })
      await add.getByLabel('Site id').fill('9')
      await add.getByLabel('Site name').fill('Harbour Clinic')
      await add.getByRole('button', { name: 'Add site' }).click()
      await page.getByRole('link', { name: 'Slots of Harbour Clinic' }).waitFor()
      assert.ok((await sites()).includes(9))

      // The Main Street Clinic has screening slots: the server refuses, and nothing is removed.
      await page.getByRole('button', { name: 'Remove site Main Street Clinic' }).click()
      let dialog = page.getByRole('dialog', { name: 'Remove Main Street Clinic' })
      await dialog.getByRole('button', { name: 'Remove site' }).click()
      await dialog
        .getByRole('alert')
        .getByText(/has appointment slots; delete them first/)
        .waitFor()
      await check(page, 'site-remove-refused')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await dialog.waitFor({ state: 'detached' })
      assert.ok((await sites()).includes(1))

      await page.getByRole('button', { name: 'Remove site Harbour Clinic' }).click()
      dialog = page.getByRole('dialog', { name: 'Remove Harbour Clinic' })
      await check(page, 'site-remove')
      await dialog.getByRole('button', { name: 'Remove site' }).click()
      await page.getByRole('link', { name: 'Slots of Harbour Clinic' }).waitFor({ state: 'detached' })
      assert.deepEqual((await sites()).includes(9), false)
      const audit = (
        await call(`/api/v1/audit?entityType=study&entityId=${studyId}&action=study.site.delete`)
      ).json as { items: { before: { siteId: number } | null }[] }
      assert.ok(
        audit.items.some((r) => r.before?.siteId === 9),
        'the removal is in the audit log with the site as it was',
      )
      await ctx.close()
    })

    void test('edits a volunteer question; a change the server refuses is shown in its words', async () => {
      const text = `How far do you travel? (${surname})`
      const created = await call('/api/v1/volunteer-questions', {
        method: 'POST',
        body: { text, answerType: 'text' },
      })
      assert.equal(created.status, 201, JSON.stringify(created.json))
      const questionId = (created.json as { questionId: number }).questionId
      const question = async (id: number) =>
        (
          (await call('/api/v1/volunteer-questions?limit=1000')).json as { items: { questionId: number }[] }
        ).items.find((q) => q.questionId === id)

      const { ctx, page } = await open(RECRUITER)
      await page.goto(`${origin}/recruit/questions`)
      await page.getByRole('button', { name: `Edit question: ${text}` }).click()
      // The dialog is a deep link too.
      await page.waitForURL(new RegExp(`/recruit/questions\\?edit=${questionId}$`))
      const dialog = page.getByRole('dialog', { name: 'Edit volunteer question' })
      const changed = `How far would you travel to the clinic? (${surname})`
      await dialog.getByRole('textbox', { name: 'Question', exact: true }).fill(changed)
      await dialog.getByLabel('Answer', { exact: true }).selectOption('choice')
      await dialog.getByLabel('Options').fill('under 10 km\n10 to 50 km\n more than 50 km \n')
      await dialog.getByLabel('Asked at').selectOption({ label: 'Riverside Unit (site 2)' })
      await dialog.getByLabel('Must be answered at registration').check()
      await check(page, 'question-edit')
      await dialog.getByRole('button', { name: 'Save question' }).click()
      await page.getByText('Question saved').waitFor()
      await dialog.waitFor({ state: 'detached' })
      assert.deepEqual(await question(questionId), {
        questionId,
        text: changed,
        answerType: 'choice',
        options: ['under 10 km', '10 to 50 km', 'more than 50 km'],
        siteId: 2,
        required: true,
      })
      await page.getByRole('table', { name: 'Volunteer questions' }).getByText(changed).waitFor()
      const audit = (await call(`/api/v1/audit?entityType=question&entityId=${questionId}`)).json as {
        items: { action: string }[]
      }
      assert.ok(audit.items.some((r) => r.action === 'recruit.question.update'))

      // A question volunteers have answered keeps its answer type: the server says so, nothing changes.
      const smoke = 'Do you currently smoke?'
      const before = (
        (await call('/api/v1/volunteer-questions?limit=1000')).json as {
          items: { questionId: number; text: string }[]
        }
      ).items.find((q) => q.text === smoke)
      assert.ok(before)
      await page.getByRole('button', { name: `Edit question: ${smoke}` }).click()
      await dialog.getByLabel('Answer', { exact: true }).selectOption('text')
      await dialog.getByRole('button', { name: 'Save question' }).click()
      await dialog
        .getByRole('alert')
        .getByText(/its answer type cannot change/)
        .waitFor()
      await check(page, 'question-refused')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      await dialog.waitFor({ state: 'detached' })
      assert.deepEqual(await question(before.questionId), before, 'nothing changed')
      await ctx.close()
    })
  })
}
