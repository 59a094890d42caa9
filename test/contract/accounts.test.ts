import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEMO_ADMIN, DEMO_TENANT, seedIdentityDemo } from '../../src/modules/identity/demo.js'
import { createTenant, onEveryDatabase, type Harness, type TestTenant } from '../support/harness.js'

const DAY = 86_400_000
const basicOf = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
})

const admin = (h: Harness, t: TestTenant, method: 'POST' | 'PATCH', url: string, payload: object) =>
  h.app.inject({ method, url: `/api/v1/admin${url}`, headers: t.bearer, payload })

onEveryDatabase('accounts: password policy, token lifetime, role names, demo administrator', (h) => {
  test('a password shorter than PASSWORD_MIN_LENGTH (12) is refused, on create and on change', async () => {
    const t = await createTenant(h)
    const short = await admin(h, t, 'POST', '/users', {
      username: 'shorty',
      password: 'p',
      roles: ['viewer'],
    })
    assert.equal(short.statusCode, 422)
    const problem = short.json<{ errors: { path: string; message: string }[] }>()
    assert.deepEqual(
      problem.errors.map((e) => e.path),
      ['/password'],
    )
    assert.match(problem.errors[0]!.message, /12 to 255 characters/)
    const ok = await admin(h, t, 'POST', '/users', {
      username: 'longer',
      password: 'twelve-chars',
      roles: [],
    })
    assert.equal(ok.statusCode, 201)
    const id = ok.json<{ id: number }>().id
    assert.equal((await admin(h, t, 'PATCH', `/users/${id}`, { password: 'eleven-char' })).statusCode, 422)
  })

  test('an unknown role name is answered with the roles there are', async () => {
    const t = await createTenant(h)
    const res = await admin(h, t, 'POST', '/users', {
      username: 'x',
      password: 'a-long-password',
      roles: ['admin'],
    })
    assert.equal(res.statusCode, 422)
    const message = res.json<{ errors: { message: string }[] }>().errors[0]!.message
    assert.match(
      message,
      /no role named admin; the roles are .*administrator, api-integrator, recruitment-website/,
    )
  })

  test('a token without a lifetime expires after TOKEN_DEFAULT_LIFETIME (90 days); "never" is said', async () => {
    const t = await createTenant(h)
    const create = (body: object) => admin(h, t, 'POST', `/users/${t.userId}/tokens`, { name: 'ci', ...body })
    const before = Date.now()
    const defaulted = (await create({})).json<{ expiresAt: string | null }>()
    const lifetime = Date.parse(String(defaulted.expiresAt)) - before
    assert.ok(Math.abs(lifetime - 90 * DAY) < 60_000, `expiresAt ${String(defaulted.expiresAt)}`)
    assert.equal((await create({ expiresIn: 'never' })).json<{ expiresAt: null }>().expiresAt, null)
    const week = (await create({ expiresIn: '7d' })).json<{ expiresAt: string }>()
    assert.ok(Math.abs(Date.parse(week.expiresAt) - Date.now() - 7 * DAY) < 60_000)
    assert.equal((await create({ expiresIn: 'soon' })).statusCode, 422)
  })

  test('the demo has an administrator (its password exempt through the seed only), who can read the audit trail', async () => {
    await seedIdentityDemo(h.database.db)
    const headers = { ...basicOf(DEMO_ADMIN.username, DEMO_ADMIN.password), customercode: DEMO_TENANT }
    const res = await h.app.inject({ url: '/api/v1/audit', headers })
    assert.equal(res.statusCode, 200)
    const roles = await h.app.inject({ url: '/api/v1/admin/roles', headers })
    assert.equal(roles.statusCode, 200)
  })
})

onEveryDatabase(
  'accounts under a configured policy',
  (h) => {
    test('PASSWORD_MIN_LENGTH and TOKEN_DEFAULT_LIFETIME come from the configuration', async () => {
      const t = await createTenant(h)
      const res = await admin(h, t, 'POST', '/users', {
        username: 'u',
        password: 'fifteen-chars!!',
        roles: [],
      })
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /20 to 255 characters/)
      const token = await admin(h, t, 'POST', `/users/${t.userId}/tokens`, { name: 'x' })
      assert.equal(token.json<{ expiresAt: string | null }>().expiresAt, null)
    })
  },
  { config: { passwordMinLength: 20, tokenDefaultLifetimeMs: null } },
)
