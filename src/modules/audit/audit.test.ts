import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { verifyAudit } from '../../cli/identity.js'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'
import { recordAudit, systemActor, verifyAuditChains } from './service.js'

interface Record {
  seq: number
  action: string
  entityType: string
  entityId: string | null
  actor: { kind: string; userId: number | null }
  after: unknown
  hash: string
  prevHash: string | null
}
interface Page {
  items: Record[]
  nextCursor: string | null
}

const run = promisify(execFile)

onEveryDatabase('audit trail', (h) => {
  const audit = (t: Pick<TestTenant, 'bearer'>, query = '') =>
    h.app.inject({ url: `/api/v1/audit${query}`, headers: t.bearer })

  async function withHistory(): Promise<{ t: TestTenant; userId: number }> {
    const t = await createTenant(h)
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: t.bearer,
      payload: { username: 'audited', password: 'pw-1-abcdefghij' },
    })
    const userId = created.json<{ id: number }>().id
    for (const displayName of ['One', 'Two', 'Three']) {
      await h.app.inject({
        method: 'PATCH',
        url: `/api/v1/admin/users/${userId}`,
        headers: t.bearer,
        payload: { displayName },
      })
    }
    return { t, userId }
  }

  test('GET /audit lists the tenant’s records newest first, chained by hash', async () => {
    const { t, userId } = await withHistory()
    const res = await audit(t)
    assert.equal(res.statusCode, 200)
    const items = res.json<Page>().items
    assert.deepEqual(
      items.slice(0, 4).map((r) => r.action),
      ['user.update', 'user.update', 'user.update', 'user.create'],
    )
    assert.deepEqual(items[0]!.after, { displayName: 'Three' })
    assert.equal(items[0]!.entityId, String(userId))
    assert.equal(items[0]!.actor.userId, t.userId)
    for (let i = 0; i + 1 < items.length; i++) assert.equal(items[i]!.prevHash, items[i + 1]!.hash)
  })

  test('filters by entity, actor, action and time; pages with nextCursor', async () => {
    const { t, userId } = await withHistory()
    const byEntity = (await audit(t, `?entityType=user&entityId=${userId}`)).json<Page>().items
    assert.equal(byEntity.length, 4)
    const byActor = (await audit(t, `?actorUserId=${t.userId}&action=user.update`)).json<Page>().items
    assert.equal(byActor.length, 3)
    const future = new Date(Date.now() + 60_000).toISOString()
    assert.equal((await audit(t, `?from=${future}`)).json<Page>().items.length, 0)
    const past = new Date(Date.now() - 60_000).toISOString()
    const window = (await audit(t, `?entityType=user&from=${past}&to=${future}`)).json<Page>().items
    assert.ok(window.length >= 4)
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page: Page = (
        await audit(t, `?entityId=${userId}&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      seen.push(...page.items.map((r) => r.seq))
      cursor = page.nextCursor
    } while (cursor !== null)
    assert.equal(seen.length, 4)
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    )
  })

  test('bad filters → 422 naming them', async () => {
    const t = await createTenant(h)
    const res = await audit(t, '?from=yesterday&actorUserId=abc')
    assert.equal(res.statusCode, 422)
    const paths = res.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)
    assert.ok(paths.includes('/querystring/from'), paths.join())
    assert.ok(paths.includes('/querystring/actorUserId'), paths.join())
    const range = await audit(t, '?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')
    assert.equal(range.statusCode, 422)
  })

  test('needs audit.view (403 naming it); never shows another tenant’s records', async () => {
    const a = await withHistory()
    const b = await createTenant(h, { actions: ['api', 'admin.users.view'] })
    const denied = await audit(b)
    assert.equal(denied.statusCode, 403)
    assert.match(denied.json<{ detail: string }>().detail, /audit\.view/)
    const c = await createTenant(h)
    const theirs = (await audit(c, `?entityType=user&entityId=${a.userId}`)).json<Page>().items
    assert.deepEqual(theirs, [])
  })

  test('an intact chain verifies; a tampered row is found by `audit verify`, which exits 1 naming it', async () => {
    const { t } = await withHistory()
    await recordAudit(h.database.db, systemActor(t.id), { action: 'x.test', entityType: 'x', entityId: 1 })
    const intact = await verifyAuditChains(h.database.db)
    assert.ok(!intact.breaks.some((b) => b.tenantId === t.id))

    const victim = await h.database.db
      .selectFrom('audit_log')
      .select(['id', 'seq'])
      .where('tenant_id', '=', t.id)
      .where('action', '=', 'user.update')
      .orderBy('seq')
      .executeTakeFirstOrThrow()
    await h.database.db
      .updateTable('audit_log')
      .set({ after: '{"displayName":"Forged"}' })
      .where('id', '=', victim.id)
      .execute()

    const lines: string[] = []
    const code = await verifyAudit(
      h.database.db,
      () => undefined,
      (l) => lines.push(l),
    )
    assert.equal(code, 1)
    const mine = lines.find((l) => l.startsWith(`tenant ${t.id}:`))
    assert.equal(
      mine,
      `tenant ${t.id}: record seq ${victim.seq} (id ${victim.id}) is broken: its content does not match its hash`,
    )

    if (h.database.raw.kind === 'sqlite') {
      const cli = await run(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('../../cli.ts', import.meta.url)), 'audit', 'verify'],
        {
          env: { ...process.env, DATABASE_URL: `sqlite:${h.database.raw.path}`, LOG_LEVEL: 'silent' },
        },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (err: unknown) => err as { code: number; stderr: string },
      )
      assert.equal(cli.code, 1)
      assert.ok(cli.stderr.includes(mine), cli.stderr)
    }
  })

  test('a deleted record, or records cut off the end, are found too', async () => {
    const cut = await withHistory()
    const gap = await withHistory()
    const rows = (id: number) =>
      h.database.db
        .selectFrom('audit_log')
        .select(['id', 'seq'])
        .where('tenant_id', '=', id)
        .orderBy('seq')
        .execute()
    const gapRows = await rows(gap.t.id)
    await h.database.db.deleteFrom('audit_log').where('id', '=', gapRows[2]!.id).execute()
    const cutRows = await rows(cut.t.id)
    await h.database.db
      .deleteFrom('audit_log')
      .where('id', '=', cutRows[cutRows.length - 1]!.id)
      .execute()
    const { breaks } = await verifyAuditChains(h.database.db)
    const g = breaks.find((b) => b.tenantId === gap.t.id)
    assert.equal(g?.seq, gapRows[3]!.seq)
    assert.match(g.problem, /record 3 is missing/)
    const c = breaks.find((b) => b.tenantId === cut.t.id)
    assert.match(c?.problem ?? '', /removed/)
  })
})
