import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'

onEveryDatabase("a user's ETag and its credentials version move apart", (h) => {
  const basic = (username: string, code: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    customercode: code,
  })
  async function user() {
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
    const id = created.json<{ id: number }>().id
    const patch = (payload: object, etag: string) =>
      h.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${id}`,
        headers: { ...t.bearer, 'if-match': etag },
        payload,
      })
    return { t, etag: String(created.headers.etag), patch }
  }
  /** The credentials epoch once every committed change has been heard of. */
  const epoch = async () => {
    await h.app.ctx.credentials.sync()
    return h.app.ctx.credentials.read().epoch
  }

  test('renaming a user changes its ETag and leaves every cached credential in place', async () => {
    const { t, etag, patch } = await user()
    const svc = basic('svc', t.code, 'first-pw-abcdef')
    assert.equal((await h.app.inject({ url: '/api/v1/me', headers: svc })).statusCode, 200)
    const before = await epoch()
    const renamed = await patch({ displayName: 'Service account', email: 'svc@example.test' }, etag)
    assert.equal(renamed.statusCode, 200, renamed.body)
    assert.notEqual(renamed.headers.etag, etag)
    assert.equal(await epoch(), before)
    // The stale ETag no longer applies; the new one does.
    assert.equal((await patch({ displayName: 'Again' }, etag)).statusCode, 412)
    assert.equal((await patch({ displayName: 'Again' }, String(renamed.headers.etag))).statusCode, 200)
    assert.equal((await h.app.inject({ url: '/api/v1/me', headers: svc })).statusCode, 200)
  })

  test('a password change invalidates the cached credentials, and the old password stops at once', async () => {
    const { t, etag, patch } = await user()
    const old = basic('svc', t.code, 'first-pw-abcdef')
    assert.equal((await h.app.inject({ url: '/api/v1/me', headers: old })).statusCode, 200)
    const before = await epoch()
    const changed = await patch({ password: 'second-pw-abcdef' }, etag)
    assert.equal(changed.statusCode, 200, changed.body)
    assert.notEqual(changed.headers.etag, etag)
    assert.notEqual(await epoch(), before)
    assert.equal((await h.app.inject({ url: '/api/v1/me', headers: old })).statusCode, 401)
  })
})
