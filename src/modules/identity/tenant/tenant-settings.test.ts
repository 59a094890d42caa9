import assert from 'node:assert/strict'
import { test } from 'node:test'
import { systemActor } from '../../audit/service.js'
import { ValidationFailed } from '../../../errors.js'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'

onEveryDatabase(
  'tenant settings (trialdeck tenant settings)',
  (h) => {
    test('a tenant’s own rate limit is set, applied, audited, and put back to the default', async () => {
      const t = await createTenant(h)
      const settings = await t.service.updateTenantSettings(t.id, { rateLimitMax: 2 }, systemActor(t.id))
      assert.deepEqual(settings, { recruitEnabled: true, rateLimitMax: 2 })
      for (let i = 0; i < 2; i++) {
        assert.equal((await h.app.inject({ url: '/api/v1/me', headers: t.bearer })).statusCode, 200)
      }
      const limited = await h.app.inject({ url: '/api/v1/me', headers: t.bearer })
      assert.equal(limited.statusCode, 429)
      assert.match(String(limited.headers['ratelimit-policy']), /^"default";q=2;w=\d+$/)

      const audit = await h.database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('tenant_id', '=', t.id)
        .where('action', '=', 'tenant.settings')
        .executeTakeFirstOrThrow()
      assert.deepEqual(JSON.parse(audit.before ?? '{}'), { recruitEnabled: true })
      assert.deepEqual(JSON.parse(audit.after ?? '{}'), { recruitEnabled: true, rateLimitMax: 2 })

      const back = await t.service.updateTenantSettings(
        t.id,
        { rateLimitMax: null, recruitEnabled: false },
        systemActor(t.id),
      )
      assert.deepEqual(back, { recruitEnabled: false })
    })

    test('a limit that is not a whole number above 0 is refused and nothing changes', async () => {
      const t = await createTenant(h)
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        await assert.rejects(
          t.service.updateTenantSettings(t.id, { rateLimitMax: bad }, systemActor(t.id)),
          ValidationFailed,
        )
      }
      const row = await h.database.db
        .selectFrom('tenants')
        .select('settings')
        .where('id', '=', t.id)
        .executeTakeFirstOrThrow()
      assert.deepEqual(JSON.parse(row.settings), { recruitEnabled: true })
    })
  },
  { config: { rateLimitMax: 100 } },
)
