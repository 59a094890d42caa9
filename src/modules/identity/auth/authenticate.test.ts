import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'
import { systemActor } from '../../audit/service.js'

onEveryDatabase('authentication', (h) => {
  const me = (headers: Record<string, string>) => h.app.inject({ url: '/api/v1/me', headers })

  test('Basic and Bearer both identify the user and say how', async () => {
    const t = await createTenant(h)
    const basic = await me(t.basic)
    assert.equal(basic.statusCode, 200)
    assert.equal(basic.json<{ authenticatedVia: string }>().authenticatedVia, 'basic')
    const bearer = await me(t.bearer)
    assert.equal(bearer.statusCode, 200)
    assert.deepEqual(bearer.json<{ tenant: { code: string } }>().tenant.code, t.code)
  })

  test('no credentials → 401 with a challenge; a wrong password → 401', async () => {
    const t = await createTenant(h)
    const none = await me({})
    assert.equal(none.statusCode, 401)
    assert.match(String(none.headers['www-authenticate']), /Basic/)
    const wrong = await me({
      authorization: `Basic ${Buffer.from(`${t.username}:nope`).toString('base64')}`,
      customercode: t.code,
    })
    assert.equal(wrong.statusCode, 401)
  })

  test('Basic works only when enabled on the account', async () => {
    const t = await createTenant(h, { basicAuth: false })
    const res = await me(t.basic)
    assert.equal(res.statusCode, 401)
    // The same answer as a wrong password: the audit trail, not the caller, learns why.
    assert.equal(res.json<{ detail: string }>().detail, 'Invalid username or password')
    assert.equal((await me(t.bearer)).statusCode, 200)
  })

  test('a customerCode that disagrees with the token → 401', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const res = await me({ ...a.bearer, customercode: b.code })
    assert.equal(res.statusCode, 401)
  })

  test('without the api role action → 403 naming it', async () => {
    const t = await createTenant(h, { actions: ['track.view'] })
    const res = await me(t.basic)
    assert.equal(res.statusCode, 403)
    assert.match(res.json<{ detail: string }>().detail, /role action api/)
  })

  test('an expired token → 401', async () => {
    const t = await createTenant(h)
    const token = await t.service.createToken(
      t.id,
      t.userId,
      { name: 'short', expiresAt: new Date(Date.now() + 1000).toISOString() },
      systemActor(t.id),
    )
    assert.equal((await me({ authorization: `Bearer ${token.secret}` })).statusCode, 200)
    await h.database.db
      .updateTable('api_tokens')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .where('id', '=', token.id)
      .execute()
    // Written behind the services' back: the database's triggers tell the app (on PostgreSQL by NOTIFY).
    await h.app.ctx.credentials.sync()
    assert.equal((await me({ authorization: `Bearer ${token.secret}` })).statusCode, 401)
  })

  test('only the SHA-256 of a token is stored', async () => {
    const t = await createTenant(h)
    const rows = await h.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant_id', '=', t.id)
      .execute()
    assert.ok(rows.length > 0)
    for (const r of rows) {
      assert.ok(!JSON.stringify(r).includes(t.token.slice(3)))
      assert.match(r.secret_hash, /^[0-9a-f]{64}$/)
    }
  })

  test('Bearer works until the token is revoked, then 401 saying so', async () => {
    const t = await createTenant(h)
    const created = await h.app.inject({
      method: 'POST',
      url: `/api/v1/admin/users/${t.userId}/tokens`,
      headers: t.bearer,
      payload: { name: 'to revoke' },
    })
    const token = created.json<{ id: number; secret: string }>()
    const headers = { authorization: `Bearer ${token.secret}` }
    assert.equal((await me(headers)).statusCode, 200)
    const revoked = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${t.userId}/tokens/${token.id}`,
      headers: t.bearer,
    })
    assert.equal(revoked.statusCode, 204)
    const res = await me(headers)
    assert.equal(res.statusCode, 401)
    assert.match(res.json<{ detail: string }>().detail, /revoked/)
    assert.equal((await me(t.bearer)).statusCode, 200)
  })

  test('an inactive account fails with Basic and Bearer alike', async () => {
    const t = await createTenant(h)
    await h.database.db.updateTable('users').set({ active: 0 }).where('id', '=', t.userId).execute()
    assert.equal((await me(t.basic)).statusCode, 401)
    assert.equal((await me(t.bearer)).statusCode, 401)
  })

  test('Basic with another tenant’s customerCode → 401 (the user is not found there)', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const res = await me({ ...a.basic, customercode: b.code })
    assert.equal(res.statusCode, 401)
  })

  test('a token or password not in this shape → 401, never 500', async () => {
    for (const authorization of [
      'Bearer nonsense',
      'Bearer td_' + 'x'.repeat(300),
      'Basic !!!',
      'Digest x',
    ]) {
      const res = await me({ authorization })
      assert.equal(res.statusCode, 401, authorization)
    }
  })

  test('the scheme in any case, and spaces around the credential, authenticate the same', async () => {
    const t = await createTenant(h)
    const token = t.token
    const basic = Buffer.from(`${t.username}:${t.password}`).toString('base64')
    for (const authorization of [`bearer ${token}`, `BEARER   ${token}  `, ` Bearer ${token}`]) {
      const res = await me({ authorization })
      assert.equal(res.statusCode, 200, authorization)
      assert.equal(res.json<{ authenticatedVia: string }>().authenticatedVia, 'bearer')
    }
    for (const authorization of [`basic ${basic}`, `BASIC  ${basic} `]) {
      const res = await me({ ...t.basic, authorization })
      assert.equal(res.statusCode, 200, authorization)
      assert.equal(res.json<{ authenticatedVia: string }>().authenticatedVia, 'basic')
    }
    for (const authorization of ['Bearer', 'bearer ', 'Basic', '   ']) {
      assert.equal((await me({ authorization })).statusCode, 401, JSON.stringify(authorization))
    }
  })
})
