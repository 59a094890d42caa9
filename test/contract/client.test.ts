import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { before, test } from 'node:test'
import { createTrialdeckClient, type TrialdeckClient } from '@trialdeck/client'
import { createTenant, onEveryDatabase, type TestTenant } from '../support/harness.js'

onEveryDatabase('the generated client', (h) => {
  let client: TrialdeckClient
  let tenant: TestTenant
  before(async () => {
    await h.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = h.app.server.address() as AddressInfo
    client = createTrialdeckClient(`http://127.0.0.1:${port}`)
    tenant = await createTenant(h, { actions: ['api', 'track.view'] })
  })

  test('calls /api/v1/me over HTTP with a Bearer token and gets typed data back', async () => {
    const { data, error, response } = await client.GET('/api/v1/me', { headers: tenant.bearer })
    assert.equal(response.status, 200)
    assert.equal(error, undefined)
    assert.ok(data)
    assert.equal(data.tenant.code, tenant.code)
    assert.equal(data.user.username, tenant.username)
    assert.deepEqual(data.actions, ['api', 'track.view'])
    assert.equal(data.authenticatedVia, 'bearer')
  })

  test('an unauthenticated call comes back as the declared error, not data', async () => {
    const { data, error, response } = await client.GET('/api/v1/me')
    assert.equal(response.status, 401)
    assert.equal(data, undefined)
    assert.ok(error)
    assert.equal(error.status, 401)
  })
})
