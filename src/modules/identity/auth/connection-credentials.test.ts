import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import type { App } from '../../../app.js'
import { createTenant, onEveryDatabase, testConfig, buildTestApp } from '../../../../test/support/harness.js'

/**
 * Each connection remembers the last credential it sent and the hash derived from it (Authenticator.remembered).
 * `inject` makes a new socket per request, so these tests talk to a listening server over one kept-alive
 * connection, and check that every request is still judged on the credential it carries.
 */
onEveryDatabase('several credentials on one connection', (h) => {
  let app: App
  let base: string
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  before(async () => {
    app = await buildTestApp(testConfig(), { database: h.database })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  })
  after(async () => {
    agent.destroy()
    await app.close()
  })

  /** GET on the one kept-alive connection: the status, the body, and the client port (the connection). */
  function get(path: string, headers: Record<string, string>) {
    return new Promise<{
      status: number
      body: { user?: { username: string }; tenant?: { code: string } }
      port: number
    }>((resolve, reject) => {
      const req = request(`${base}${path}`, { agent, headers }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as { user?: { username: string }; tenant?: { code: string } },
            port: req.socket?.localPort ?? 0,
          })
        })
      })
      req.on('error', reject)
      req.end()
    })
  }

  test('Bearer: each request is judged on its own token, and a revoked one fails at once', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const created = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${a.userId}/tokens`,
      headers: a.bearer,
      payload: { name: 'second' },
    })
    assert.equal(created.statusCode, 201)
    const second = created.json<{ id: number; secret: string }>()
    const asSecond = { authorization: `Bearer ${second.secret}` }

    const first = await get('/api/v1/me', asSecond)
    assert.equal(first.status, 200)
    assert.equal(first.body.tenant?.code, a.code)
    const other = await get('/api/v1/me', b.bearer)
    assert.equal(other.status, 200)
    assert.equal(other.body.tenant?.code, b.code)
    assert.equal((await get('/api/v1/me', { authorization: `${asSecond.authorization}x` })).status, 401)
    const again = await get('/api/v1/me', asSecond)
    assert.equal(again.status, 200)
    assert.equal(again.body.tenant?.code, a.code)

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${a.userId}/tokens/${second.id}`,
      headers: a.bearer,
    })
    assert.equal(revoked.statusCode, 204)
    const revokedNow = await get('/api/v1/me', asSecond)
    assert.equal(revokedNow.status, 401)
    assert.equal(
      new Set([first.port, other.port, again.port, revokedNow.port]).size,
      1,
      'one connection throughout',
    )
  })

  test('Basic: a wrong password, or the same credential for another tenant, fails on the same connection', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    // The tenants are written behind this app's back; once it has heard, a's verification below stays cached.
    await app.ctx.credentials.sync()
    const ok = await get('/api/v1/me', a.basic)
    assert.equal(ok.status, 200)
    assert.equal(ok.body.tenant?.code, a.code)
    // Every test tenant has a user `tester`, each with its own password: a's credential is not b's.
    assert.equal((await get('/api/v1/me', { ...a.basic, customercode: b.code })).status, 401)
    const wrong = {
      ...a.basic,
      authorization: `Basic ${Buffer.from(`${a.username}:${a.password}-not`).toString('base64')}`,
    }
    assert.equal((await get('/api/v1/me', wrong)).status, 401)
    const back = await get('/api/v1/me', a.basic)
    assert.equal(back.status, 200)
    assert.equal(back.body.tenant?.code, a.code)
    assert.equal(ok.port, back.port, 'one connection throughout')
  })
})
