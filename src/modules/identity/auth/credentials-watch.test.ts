import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nowIso } from '../../../db/columns.js'
import { createTenant, onEveryDatabase } from '../../../../test/support/harness.js'

onEveryDatabase('the credentials epoch', (h) => {
  const watch = () => h.app.ctx.credentials
  /** The epoch once every change committed so far has been heard of. */
  const settled = async () => {
    await watch().sync()
    const epoch = watch().read().epoch
    assert.notEqual(epoch, undefined, 'the watch is live')
    return epoch
  }

  test('stands while nothing credentials depend on changes', async () => {
    const t = await createTenant(h)
    const before = await settled()
    // What ordinary requests write: last use, failure counts, the audit head, display names.
    await h.database.db
      .updateTable('api_tokens')
      .set({ last_used_at: nowIso() })
      .where('tenant_id', '=', t.id)
      .execute()
    await h.database.db
      .updateTable('users')
      .set({ failed_logins: 3, display_name: 'Someone', updated_at: nowIso() })
      .where('id', '=', t.userId)
      .execute()
    await h.database.db.updateTable('tenants').set({ audit_head: 'x' }).where('id', '=', t.id).execute()
    assert.equal(await settled(), before)
    assert.equal(watch().read().epoch, before, 'and reading it again changes nothing')
  })

  test('moves on every change a cached authentication depends on, however it was written', async () => {
    const t = await createTenant(h)
    const db = h.database.db
    const changes: [string, () => Promise<unknown>][] = [
      ['deactivation', () => db.updateTable('users').set({ active: 0 }).where('id', '=', t.userId).execute()],
      [
        'a lock',
        () => db.updateTable('users').set({ locked_until: nowIso() }).where('id', '=', t.userId).execute(),
      ],
      [
        'a password',
        () => db.updateTable('users').set({ password_hash: 'x' }).where('id', '=', t.userId).execute(),
      ],
      [
        'Basic auth turned off',
        () => db.updateTable('users').set({ basic_auth_enabled: 0 }).where('id', '=', t.userId).execute(),
      ],
      [
        'a revocation',
        () =>
          db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('tenant_id', '=', t.id).execute(),
      ],
      ['roles taken away', () => db.deleteFrom('user_roles').where('user_id', '=', t.userId).execute()],
      ['a new tenant', () => createTenant(h)],
    ]
    for (const [what, change] of changes) {
      const before = await settled()
      await change()
      assert.notEqual(await settled(), before, what)
    }
  })
})
