import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildApp, type App } from '../../src/app.js'
import { systemActor } from '../../src/modules/audit/service.js'
import type { Database } from '../../src/db/database.js'
import { createTenant, testConfig, testDatabases, type Harness, type TestTenant } from '../support/harness.js'
import { CHROMIUM, ensureWebBuilt, launchChromium, screenshots, seriousViolations } from '../support/web.js'

/**
 * The web app in headless Chromium against a real server (the built web/dist, SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set), driven through accessible names the way a keyboard or screen-reader user would.
 */
const skip = !existsSync(CHROMIUM) && `no ${CHROMIUM}`

async function signIn(page: Page, origin: string, t: { username: string; password: string; code: string }) {
  await page.goto(`${origin}/sign-in`)
  await page.getByLabel('Username').fill(t.username)
  await page.getByLabel('Password', { exact: true }).fill(t.password)
  await page.getByLabel('Customer code').fill(t.code)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function accessible(page: Page, name: string) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`)
  await screenshots(page, name)
}

async function auditActions(t: TestTenant, h: Harness): Promise<string[]> {
  const rows = await h.database.db
    .selectFrom('audit_log')
    .select('action')
    .where('tenant_id', '=', t.id)
    .execute()
  return rows.map((r) => r.action)
}

for (const target of testDatabases()) {
  void describe(`web app [${target.name}]`, { skip }, () => {
    let database: Database
    let app: App
    let origin: string
    let browser: Browser
    const h = {
      dialect: target.name,
      get app() {
        return app
      },
      get database() {
        return database
      },
    } as Harness
    const shots = target.name === 'sqlite'

    before(async () => {
      const webRoot = ensureWebBuilt()
      database = await target.open()
      app = await buildApp(testConfig({ webRoot }), { database })
      origin = await app.listen({ port: 0, host: '127.0.0.1' })
      browser = await launchChromium()
    })
    after(async () => {
      await browser.close()
      await app.close()
      await database.close()
      await target.dispose()
    })

    async function context(): Promise<BrowserContext> {
      return browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' })
    }

    void test('signs in with username, password and customer code, and lands on the users table', async () => {
      const t = await createTenant(h)
      const ctx = await context()
      const page = await ctx.newPage()
      await page.goto(`${origin}/sign-in`)
      if (shots) await accessible(page, 'sign-in')
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: t.username }).waitFor()
      assert.ok(await page.getByText(t.code).first().isVisible(), 'the header names the tenant')
      if (shots) await accessible(page, 'users')
      await page.getByRole('link', { name: 'Roles' }).first().click()
      await page.getByRole('heading', { name: 'administrator' }).waitFor()
      if (shots) await accessible(page, 'roles')
      await page.getByRole('button', { name: 'Create role' }).click()
      await page.getByRole('dialog', { name: 'Create role' }).waitFor()
      if (shots) await accessible(page, 'roles-create')
      await page.keyboard.press('Escape')
      await page.getByRole('link', { name: 'Tenant settings' }).first().click()
      await page.getByRole('switch', { name: 'Recruit' }).waitFor()
      if (shots) await accessible(page, 'tenant')
      await ctx.close()
    })

    void test('a wrong password is told as “Invalid username or password”, then too many as a lockout', async () => {
      const t = await createTenant(h)
      // Its own server: failed sign-ins are throttled per address, and every test here signs in from 127.0.0.1.
      const own = await buildApp(
        testConfig({ webRoot: ensureWebBuilt(), lockoutThreshold: 3, loginSourceMax: 3 }),
        { database },
      )
      const ownOrigin = await own.listen({ port: 0, host: '127.0.0.1' })
      try {
        const ctx = await context()
        const page = await ctx.newPage()
        await signIn(page, ownOrigin, { ...t, password: 'not-the-password' })
        await page.getByRole('alert').getByText('Invalid username or password').waitFor()
        if (shots) await accessible(page, 'sign-in-wrong-password')
        for (let i = 0; i < 3; i++) {
          await page.getByLabel('Password', { exact: true }).fill('still-not-the-password')
          await Promise.all([
            page.waitForResponse((r) => r.url().endsWith('/api/v1/sessions')),
            page.getByRole('button', { name: 'Sign in' }).click(),
          ])
        }
        await page
          .getByRole('alert')
          .filter({ hasText: 'Too many attempts' })
          .getByText(/try again in/)
          .waitFor()
        if (shots) await accessible(page, 'sign-in-locked')
        // Even the right password is refused now.
        await page.getByLabel('Password', { exact: true }).fill(t.password)
        await page.getByRole('button', { name: 'Sign in' }).click()
        await page.getByRole('alert').getByText('Too many attempts').waitFor()
        assert.equal(await page.getByRole('heading', { name: 'Users' }).count(), 0)
        assert.ok((await auditActions(t, h)).includes('auth.locked'), 'the lockout is audited')
        await ctx.close()

        // Another administrator of the tenant sees the failures and the lockout on the audit page.
        const auditor = { username: 'auditor', password: 'auditor-password-1', code: t.code }
        await t.service.createUser(
          t.id,
          { username: auditor.username, password: auditor.password, roles: ['administrator'] },
          systemActor(t.id),
        )
        const other = await context()
        const p = await other.newPage()
        await signIn(p, origin, auditor)
        await p.getByRole('heading', { name: 'Users' }).waitFor()
        await p.goto(`${origin}/audit`)
        await p
          .getByRole('button', { name: /: auth\.failed on/ })
          .first()
          .waitFor()
        await p
          .getByRole('button', { name: /: auth\.locked on/ })
          .first()
          .waitFor()
        await other.close()
      } finally {
        await own.close()
      }
    })

    void test('an admin creates a user, enables Basic auth, makes a token that works, and revokes it', async () => {
      const t = await createTenant(h)
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()

      await page.getByRole('button', { name: 'Create user' }).click()
      const create = page.getByRole('dialog', { name: 'Create user' })
      await create.getByRole('textbox', { name: 'Username' }).fill('integrator')
      await create.getByLabel('Display name').fill('Integration account')
      await create.getByLabel('Initial password').fill('integrator-password-1')
      await create.getByLabel('Roles', { exact: true }).click()
      await page.getByRole('option', { name: 'api-integrator' }).click()
      await page.keyboard.press('Escape')
      if (shots) await accessible(page, 'users-create')
      await create.getByRole('button', { name: 'Create user' }).click()
      await create.waitFor({ state: 'hidden' })
      const row = page.getByRole('row', { name: /integrator/ })
      await row.waitFor()

      await page.getByRole('button', { name: 'Update user integrator' }).click()
      const update = page.getByRole('dialog', { name: 'Update user integrator' })
      await update.getByRole('switch', { name: 'Basic authentication' }).check({ force: true })
      if (shots) await accessible(page, 'users-update')
      await update.getByRole('button', { name: 'Save changes' }).click()
      await page.getByText('integrator updated').waitFor()
      await page.keyboard.press('Escape')
      await update.waitFor({ state: 'hidden' })

      await page.getByRole('link', { name: 'integrator', exact: true }).click()
      await page.getByRole('heading', { name: 'API tokens' }).waitFor()
      await page.getByLabel('Token name').fill('ci pipeline')
      await page.getByRole('button', { name: 'Create token' }).click()
      const secretDialog = page.getByRole('dialog', { name: 'Your new API token' })
      const secret = (await secretDialog.getByLabel('Token secret').textContent())?.trim() ?? ''
      assert.match(secret, /\S{20,}/)
      await secretDialog.getByText('This is the only time the token is shown').waitFor()
      if (shots) await accessible(page, 'token-secret')
      await secretDialog.getByRole('button', { name: 'I have stored it' }).click()

      const me = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })
      assert.equal(me.status, 200)
      assert.equal(((await me.json()) as { user: { username: string } }).user.username, 'integrator')
      const basic = await fetch(`${origin}/api/v1/me`, {
        headers: {
          authorization: `Basic ${Buffer.from('integrator:integrator-password-1').toString('base64')}`,
          customercode: t.code,
        },
      })
      assert.equal(basic.status, 200, 'Basic auth, switched on in the dialog, works')

      await page.getByRole('table', { name: 'API tokens' }).getByText('ci pipeline').waitFor()
      if (shots) await accessible(page, 'user-tokens')
      await page.getByRole('button', { name: 'Revoke token ci pipeline' }).click()
      const confirm = page.getByRole('dialog', { name: 'Revoke API token' })
      if (shots) await accessible(page, 'token-revoke')
      await confirm.getByRole('button', { name: 'Revoke token' }).click()
      await confirm.waitFor({ state: 'hidden' })
      await page.getByRole('table', { name: 'API tokens' }).getByText('revoked').waitFor()
      const after = await fetch(`${origin}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } })
      assert.equal(after.status, 401)

      // The audit page shows each of those writes.
      await page.getByRole('link', { name: 'Audit trail' }).first().click()
      await page.getByText('Audit chain verified').waitFor()
      for (const action of ['user.create', 'user.update', 'token.create', 'token.revoke']) {
        await page
          .getByRole('button', { name: new RegExp(`: ${action.replace('.', '\\.')} on`) })
          .first()
          .waitFor()
      }
      await page
        .getByRole('button', { name: /: user\.update on/ })
        .first()
        .click()
      await page
        .getByRole('table', { name: /Changes in record/ })
        .getByText('basicAuthEnabled')
        .waitFor()
      if (shots) await accessible(page, 'audit')
      await ctx.close()
    })

    void test('an admin edits a custom role; a role holding what the editor lacks is refused in words', async () => {
      const t = await createTenant(h)
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.getByRole('link', { name: 'Roles' }).first().click()
      await page.getByRole('heading', { name: 'administrator' }).waitFor()
      assert.equal(
        await page.getByRole('button', { name: 'Edit role viewer' }).count(),
        0,
        'built-in: no edit',
      )
      await page.getByRole('button', { name: 'Create role' }).click()
      const create = page.getByRole('dialog', { name: 'Create role' })
      await create.getByLabel('Role name').fill('monitor')
      await create.getByRole('checkbox', { name: 'track.view' }).check()
      await create.getByRole('button', { name: 'Create role' }).click()
      await create.waitFor({ state: 'hidden' })
      await page.getByRole('button', { name: 'Edit role monitor' }).click()
      const edit = page.getByRole('dialog', { name: 'Edit role monitor' })
      await edit.getByLabel('Role name').fill('site-monitor')
      await edit.getByRole('checkbox', { name: 'audit.view' }).check()
      if (shots) await accessible(page, 'roles-edit')
      await edit.getByRole('button', { name: 'Save role' }).click()
      await edit.waitFor({ state: 'hidden' })
      const card = page.getByRole('article', { name: 'site-monitor' })
      await card.getByText('audit.view').waitFor()
      const role = await h.database.db
        .selectFrom('roles')
        .select('id')
        .where('tenant_id', '=', t.id)
        .where('name', '=', 'site-monitor')
        .executeTakeFirstOrThrow()
      const actions = await h.database.db
        .selectFrom('role_actions')
        .select('action')
        .where('role_id', '=', role.id)
        .orderBy('action')
        .execute()
      assert.deepEqual(
        actions.map((a) => a.action),
        ['audit.view', 'track.view'],
      )
      await ctx.close()

      // A role manager who lacks track.edit may not change a role that holds it, and is told why.
      const mgr = { username: 'rolemgr', password: 'role-manager-password-1', code: t.code }
      const actor = systemActor(t.id)
      const now = new Date().toISOString()
      const made = await h.database.db
        .insertInto('roles')
        .values({ tenant_id: t.id, name: 'manages-roles', description: null, built_in: 0, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await h.database.db
        .insertInto('role_actions')
        .values(
          ['admin.users.view', 'admin.roles.manage', 'track.view'].map((action) => ({
            role_id: made.id,
            action,
          })),
        )
        .execute()
      await t.service.createUser(t.id, { ...mgr, roles: ['manages-roles'] }, actor)
      const editorRole = await fetch(`${origin}/api/v1/admin/roles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'editors', actions: ['track.view', 'track.edit'] }),
      })
      assert.equal(editorRole.status, 201)
      const other = await context()
      const p = await other.newPage()
      await signIn(p, origin, mgr)
      await p.getByRole('heading', { name: 'Users' }).waitFor()
      await p.goto(`${origin}/admin/roles`)
      await p.getByRole('button', { name: 'Edit role editors' }).click()
      const refused = p.getByRole('dialog', { name: 'Edit role editors' })
      await refused.getByText('You cannot change this role').waitFor()
      await refused.getByText(/role actions you do not hold \(track\.edit\)/).waitFor()
      assert.ok(await refused.getByRole('button', { name: 'Save role' }).isDisabled())
      if (shots) await accessible(p, 'roles-edit-refused')
      await other.close()
    })

    void test("volunteer sites are picked by name from the studies' sites", async () => {
      const t = await createTenant(h)
      const auth = { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' }
      const study = await fetch(`${origin}/api/v1/studies`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ protocol: 'PK-101', name: 'Pharmacokinetics 101' }),
      })
      assert.equal(study.status, 201)
      const studyId = ((await study.json()) as { id: number }).id
      for (const site of [
        { siteId: 9101, name: 'Leeds Clinical Unit' },
        { siteId: 9102, name: 'Berlin Phase I Ward' },
      ]) {
        const res = await fetch(`${origin}/api/v1/studies/${studyId}/sites`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify(site),
        })
        assert.equal(res.status, 201)
      }
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.goto(`${origin}/admin/users/${t.userId}`)
      await page.getByRole('heading', { name: 'Volunteer sites' }).waitFor()
      await page.getByRole('combobox', { name: 'Sites' }).click()
      await page.getByRole('option', { name: 'Berlin Phase I Ward (Pharmacokinetics 101)' }).click()
      await page.keyboard.press('Escape')
      if (shots) await accessible(page, 'user-sites')
      await page.getByRole('button', { name: 'Save volunteer sites' }).click()
      await page.getByText('Volunteer sites saved').waitFor()
      const saved = await fetch(`${origin}/api/v1/volunteer-site-restrictions/${t.userId}`, {
        headers: { authorization: `Bearer ${t.token}` },
      })
      assert.deepEqual(await saved.json(), { siteIds: [9102] })
      await ctx.close()
    })

    void test('a user whose password an admin set changes it first', async () => {
      const t = await createTenant(h)
      const admin = await context()
      const page = await admin.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.getByRole('button', { name: 'Create user' }).click()
      const create = page.getByRole('dialog', { name: 'Create user' })
      await create.getByRole('textbox', { name: 'Username' }).fill('newcomer')
      await create.getByLabel('Initial password').fill('set-by-the-admin-1')
      await create.getByRole('button', { name: 'Create user' }).click()
      await create.waitFor({ state: 'hidden' })
      await admin.close()

      const ctx = await context()
      const p = await ctx.newPage()
      await signIn(p, origin, { username: 'newcomer', password: 'set-by-the-admin-1', code: t.code })
      await p.getByRole('heading', { name: 'Change your password' }).waitFor()
      if (shots) await accessible(p, 'change-password')
      await p.goto(`${origin}/admin/users`)
      await p.getByRole('heading', { name: 'Change your password' }).waitFor()
      await p.getByLabel('Current password').fill('set-by-the-admin-1')
      await p.getByLabel('New password', { exact: true }).fill('chosen-by-the-user-1')
      await p.getByLabel('Repeat the new password').fill('chosen-by-the-user-1')
      await p.getByRole('button', { name: 'Change password' }).click()
      await p.getByText('Your roles give you no administration pages.').first().waitFor()
      await ctx.close()
    })

    void test('without admin.users.tokens.view there is no token list, and the API refuses it', async () => {
      const t = await createTenant(h, { actions: ['admin.users.view'] })
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      assert.equal(
        await page.getByRole('button', { name: 'Create user' }).count(),
        0,
        'no create without manage',
      )
      await page.getByRole('link', { name: t.username, exact: true }).click()
      await page.getByRole('heading', { name: 'Volunteer sites' }).waitFor()
      assert.equal(await page.getByRole('heading', { name: 'API tokens' }).count(), 0)
      assert.equal(await page.getByRole('link', { name: 'Audit trail' }).count(), 0)
      if (shots) await accessible(page, 'user-without-tokens')
      const status = await page.evaluate(
        async (url) => (await fetch(url, { credentials: 'include' })).status,
        `${origin}/api/v1/admin/users/${t.userId}/tokens`,
      )
      assert.equal(status, 403)
      await ctx.close()
    })

    void test('a session that has been idle too long ends, and the app says so', async () => {
      const t = await createTenant(h)
      const short = await buildApp(testConfig({ webRoot: ensureWebBuilt(), sessionIdleTimeoutMs: 1000 }), {
        database,
      })
      const shortOrigin = await short.listen({ port: 0, host: '127.0.0.1' })
      try {
        const ctx = await context()
        const page = await ctx.newPage()
        await signIn(page, shortOrigin, t)
        await page.getByRole('heading', { name: 'Users' }).waitFor()
        await page.waitForTimeout(1600)
        await page.getByRole('link', { name: 'Roles' }).first().click()
        await page.getByText('Your session has ended').waitFor()
        assert.match(page.url(), /\/sign-in/)
        if (shots) await accessible(page, 'sign-in-session-ended')
        await ctx.close()
      } finally {
        await short.close()
      }
    })

    void test('a cross-origin form post with the session cookie is refused and changes nothing', async () => {
      const t = await createTenant(h)
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()

      // Without the CSRF header, even from the app's own origin, a cookie-authenticated write is refused.
      const bare = await page.evaluate(
        async (url) =>
          (
            await fetch(url, {
              method: 'POST',
              credentials: 'include',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: 'csrf-same-origin' }),
            })
          ).status,
        `${origin}/api/v1/admin/users`,
      )
      assert.equal(bare, 403)

      // An attacker's page on another origin posts a form to the API.
      const evil: Server = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html')
        res.end(
          `<form id="f" method="POST" action="${origin}/api/v1/admin/users" enctype="text/plain">` +
            `<input name='{"username":"csrf-victim","x":"' value='"}'></form>` +
            `<script>document.getElementById('f').submit()</script>`,
        )
      })
      await new Promise<void>((resolve) => evil.listen(0, 'localhost', resolve))
      try {
        const port = (evil.address() as AddressInfo).port
        const answer = page.waitForResponse(
          (r) => r.url().endsWith('/api/v1/admin/users') && r.request().method() === 'POST',
        )
        await page.goto(`http://localhost:${port}/`)
        const response = await answer
        assert.ok(response.status() >= 400 && response.status() < 500, `refused with ${response.status()}`)
      } finally {
        evil.close()
      }
      const created = await h.database.db
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', t.id)
        .where('username', 'in', ['csrf-victim', 'csrf-same-origin'])
        .execute()
      assert.deepEqual(created, [])
      await ctx.close()
    })

    void test('signing out everywhere ends the session; the audit page records sign-ins', async () => {
      const t = await createTenant(h)
      const ctx = await context()
      const page = await ctx.newPage()
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.getByRole('link', { name: 'Audit trail' }).first().click()
      await page.getByText('Audit chain verified').waitFor()
      await page
        .getByRole('button', { name: /: session\.\w+ on/ })
        .first()
        .waitFor()
      await page.getByRole('button', { name: `Account menu for ${t.username}` }).click()
      await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click()
      await page.getByRole('heading', { name: 'Sign in to Trialdeck' }).waitFor()
      await page.goto(`${origin}/admin/users`)
      await page.getByRole('heading', { name: 'Sign in to Trialdeck' }).waitFor()
      // Signed in again, the audit page shows the sign-out everywhere.
      await signIn(page, origin, t)
      await page.getByRole('heading', { name: 'Users' }).waitFor()
      await page.goto(`${origin}/audit`)
      await page
        .getByRole('button', { name: /: session\.end-all on/ })
        .first()
        .waitFor()
      await ctx.close()
    })
  })
}
