import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { App } from '../../../app.js'
import { openDatabase, type Database } from '../../../db/database.js'
import {
  createTenant,
  onEveryDatabase,
  testConfig,
  type Harness,
  buildTestApp,
} from '../../../../test/support/harness.js'

/** A second instance on the same database, through connections of its own (as another server would). */
async function secondInstance(h: Harness): Promise<{ app: App; database: Database }> {
  const raw = h.database.raw
  const database =
    raw.kind === 'sqlite'
      ? await openDatabase(`sqlite:${raw.path}`)
      : await openDatabase(raw.connectionString, raw.schema !== undefined ? { schema: raw.schema } : {})
  const app = await buildTestApp(testConfig(), { database })
  await app.ready()
  return { app, database }
}

onEveryDatabase('cached Basic verifications across instances', (h) => {
  let other: { app: App; database: Database }
  before(async () => {
    other = await secondInstance(h)
  })
  after(async () => {
    await other.app.close()
    await other.database.close()
  })

  const basicHeaders = (t: { username: string; code: string }, password: string) => ({
    authorization: `Basic ${Buffer.from(`${t.username}:${password}`).toString('base64')}`,
    customercode: t.code,
  })
  const meOn = (app: App, headers: Record<string, string>) => app.inject({ url: '/api/v1/me', headers })
  /** A PATCH on instance `app`; then waits until instance A has heard of it (immediate on SQLite). */
  const patchOn = async (app: App, headers: Record<string, string>, userId: number, body: object) => {
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${userId}`,
      headers,
      payload: body,
    })
    await h.app.ctx.credentials.sync()
    return res
  }

  async function adminAndUser() {
    const t = await createTenant(h)
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: t.bearer,
      payload: {
        username: 'svc',
        password: 'first-pw-abcdef',
        basicAuthEnabled: true,
        roles: ['api-integrator'],
      },
    })
    assert.equal(created.statusCode, 201)
    return { t, userId: created.json<{ id: number }>().id, svc: { username: 'svc', code: t.code } }
  }

  test('a password changed on instance B stops the old one on instance A at once', async () => {
    const { t, userId, svc } = await adminAndUser()
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 200)
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 200)
    assert.equal(
      (await patchOn(other.app, t.bearer, userId, { password: 'second-pw-abcdef' })).statusCode,
      200,
    )
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 401)
    assert.equal((await meOn(h.app, basicHeaders(svc, 'second-pw-abcdef'))).statusCode, 200)
  })

  test('Basic disabled or the account deactivated on B → 401 on A', async () => {
    const { t, userId, svc } = await adminAndUser()
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 200)
    await patchOn(other.app, t.bearer, userId, { basicAuthEnabled: false })
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 401)
    await patchOn(other.app, t.bearer, userId, { basicAuthEnabled: true })
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 200)
    await patchOn(other.app, t.bearer, userId, { active: false })
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 401)
  })

  test('roles removed on B take effect on A on the next request, for Basic and Bearer', async () => {
    const { t, userId, svc } = await adminAndUser()
    const token = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${userId}/tokens`,
      headers: t.bearer,
      payload: { name: 'svc token' },
    })
    const bearer = { authorization: `Bearer ${token.json<{ secret: string }>().secret}` }
    assert.equal((await meOn(h.app, basicHeaders(svc, 'first-pw-abcdef'))).statusCode, 200)
    assert.equal((await meOn(h.app, bearer)).statusCode, 200)
    assert.equal((await patchOn(other.app, t.bearer, userId, { roles: ['viewer'] })).statusCode, 200)
    for (const headers of [basicHeaders(svc, 'first-pw-abcdef'), bearer]) {
      const res = await meOn(h.app, headers)
      assert.equal(res.statusCode, 403)
      assert.match(res.json<{ detail: string }>().detail, /role action api/)
    }
  })
})
