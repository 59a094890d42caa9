import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'

interface StudyBody {
  id: number
  protocol: string
  name: string
  status: string
  phase: string | null
}

onEveryDatabase('studies API', (h) => {
  test('a study is created, listed page by page, read and edited; each write is audited', async () => {
    const t = await createTenant(h)
    const create = (protocol: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/studies',
        headers: t.bearer,
        payload: { protocol, name: `Study ${protocol}`, phase: 'Phase I' },
      })
    const first = await create('ABC-1')
    assert.equal(first.statusCode, 201, first.body)
    const study = first.json<StudyBody>()
    assert.equal(study.status, 'planned')
    await create('ABC-2')
    await create('ABC-3')
    const page1 = await h.app.inject({ url: '/api/v1/studies?limit=2', headers: t.bearer })
    const body1 = page1.json<{ items: StudyBody[]; nextCursor: string }>()
    assert.deepEqual(
      body1.items.map((s) => s.protocol),
      ['ABC-1', 'ABC-2'],
    )
    const page2 = await h.app.inject({
      url: `/api/v1/studies?limit=2&cursor=${body1.nextCursor}`,
      headers: t.bearer,
    })
    const body2 = page2.json<{ items: StudyBody[]; nextCursor: string | null }>()
    assert.deepEqual(
      body2.items.map((s) => s.protocol),
      ['ABC-3'],
    )
    assert.equal(body2.nextCursor, null)

    const got = await h.app.inject({ url: `/api/v1/studies/${study.id}`, headers: t.bearer })
    const etag = String(got.headers.etag)
    const patched = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/studies/${study.id}`,
      headers: { ...t.bearer, 'if-match': etag },
      payload: { status: 'recruiting', phase: null },
    })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json<StudyBody>().status, 'recruiting')
    assert.equal(patched.json<StudyBody>().phase, null)
    const stale = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/studies/${study.id}`,
      headers: { ...t.bearer, 'if-match': etag },
      payload: { name: 'late' },
    })
    assert.equal(stale.statusCode, 409)
    const audits = await h.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('tenant_id', '=', t.id)
      .where('entity_type', '=', 'study')
      .execute()
    assert.equal(audits.length, 4)
  })

  test('a duplicate protocol → 409; a bad status → 422 naming the field; another tenant’s study → 404', async () => {
    const a = await createTenant(h)
    const b = await createTenant(h)
    const payload = { protocol: 'DUP', name: 'x' }
    const made = await h.app.inject({ method: 'POST', url: '/api/v1/studies', headers: a.bearer, payload })
    assert.equal(
      (await h.app.inject({ method: 'POST', url: '/api/v1/studies', headers: a.bearer, payload })).statusCode,
      409,
    )
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/v1/studies',
      headers: a.bearer,
      payload: { protocol: 'X', name: 'y', status: 'sleeping' },
    })
    assert.equal(bad.statusCode, 422)
    assert.match(bad.body, /\/body\/status/)
    const id = made.json<StudyBody>().id
    assert.equal((await h.app.inject({ url: `/api/v1/studies/${id}`, headers: b.bearer })).statusCode, 404)
    const patch = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/studies/${id}`,
      headers: b.bearer,
      payload: { name: 'z' },
    })
    assert.equal(patch.statusCode, 404)
  })

  test('studies.view may list but not create', async () => {
    const t = await createTenant(h, { actions: ['api', 'studies.view'] })
    assert.equal((await h.app.inject({ url: '/api/v1/studies', headers: t.bearer })).statusCode, 200)
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/studies',
      headers: t.bearer,
      payload: { protocol: 'A', name: 'B' },
    })
    assert.equal(res.statusCode, 403)
  })
})
