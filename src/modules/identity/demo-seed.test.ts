import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { App } from '../../app.js'
import type { Database } from '../../db/database.js'
import { testConfig, testDatabases, buildTestApp } from '../../../test/support/harness.js'
import { systemActor } from '../audit/service.js'
import { DEMO_TENANT, seedIdentityDemo } from './demo.js'
import { IdentityService } from './service.js'

/** The seed's own header example, for demo / p@55w0rd. */
const SEED_BASIC = 'Basic ZGVtbzpwQDU1dzByZA=='

for (const target of testDatabases()) {
  void describe(`the demo seed's header examples [${target.name}]`, () => {
    let database: Database
    let app: App
    before(async () => {
      database = await target.open()
      await seedIdentityDemo(database.db)
      await seedIdentityDemo(database.db)
      app = await buildTestApp(testConfig(), { database })
      await app.ready()
    })
    after(async () => {
      await app.close()
      await database.close()
      await target.dispose()
    })
    const me = (headers: Record<string, string>) => app.inject({ url: '/api/v1/me', headers })

    test('seeding twice leaves one tenant DEMO with its users demo and admin', async () => {
      const tenants = await database.db.selectFrom('tenants').select('code').execute()
      assert.deepEqual(
        tenants.map((t) => t.code),
        [DEMO_TENANT],
      )
      const users = await database.db.selectFrom('users').select('username').execute()
      assert.deepEqual(users.map((u) => u.username).sort(), ['admin', 'demo'])
    })

    test('Authorization: Basic ZGVtbzpwQDU1dzByZA== alone authenticates demo (the sole tenant)', async () => {
      const res = await me({ authorization: SEED_BASIC })
      assert.equal(res.statusCode, 200)
      const body = res.json<{ tenant: { code: string }; user: { username: string }; actions: string[] }>()
      assert.equal(body.tenant.code, 'DEMO')
      assert.equal(body.user.username, 'demo')
      assert.ok(body.actions.includes('api'))
    })

    test('with customerCode: DEMO, or any spelling of it, too; an unknown customerCode → 401', async () => {
      assert.equal((await me({ authorization: SEED_BASIC, customercode: 'DEMO' })).statusCode, 200)
      assert.equal((await me({ authorization: SEED_BASIC, customercode: 'demo' })).statusCode, 200)
      const unknown = await me({ authorization: SEED_BASIC, customercode: 'NOPE' })
      assert.equal(unknown.statusCode, 401)
      // The same answer as any failed login: a customerCode is no more to be probed than a username.
      assert.equal(unknown.json<{ detail: string }>().detail, 'Invalid username or password')
    })

    test('Authorization: Bearer <token created for demo> authenticates against DEMO', async () => {
      const service = new IdentityService(database.db)
      const tenant = await service.repo.findTenantByCode(DEMO_TENANT)
      const user = await service.repo.findUserByUsername(tenant!.id, 'demo')
      const token = await service.createToken(tenant!.id, user!.id, { name: 'demo' }, systemActor(tenant!.id))
      const res = await me({ authorization: `Bearer ${token.secret}` })
      assert.equal(res.statusCode, 200)
      assert.equal(res.json<{ authenticatedVia: string }>().authenticatedVia, 'bearer')
      assert.equal(
        (await me({ authorization: `Bearer ${token.secret}`, customercode: 'DEMO' })).statusCode,
        200,
      )
    })

    test('once a second tenant exists, the host name (demo.example.org) picks the tenant', async () => {
      await new IdentityService(database.db).createTenant('OTHER', 'Another clinic')
      await app.ctx.credentials.sync()
      const ambiguous = await me({ authorization: SEED_BASIC })
      assert.equal(ambiguous.statusCode, 401)
      assert.match(ambiguous.json<{ detail: string }>().detail, /customerCode/)
      const byHost = await app.inject({
        url: '/api/v1/me',
        headers: { authorization: SEED_BASIC, host: 'demo.example.org' },
      })
      assert.equal(byHost.statusCode, 200)
      assert.equal((await me({ authorization: SEED_BASIC, customercode: 'OTHER' })).statusCode, 401)
    })
  })
}
