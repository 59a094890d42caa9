import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'
import { createDemoStudy, createStudy } from '../../../test/support/study-data.js'
import { systemActor } from '../audit/service.js'
import { restrictUserToStudies } from './access.js'

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string; rule: string }[]
}

onEveryDatabase('study conduct data', (h) => {
  const call = (t: TestTenant, method: 'GET' | 'POST', url: string, payload?: unknown, headers = {}) =>
    h.app.inject({
      method,
      url,
      headers: { ...t.basic, ...headers },
      ...(payload === undefined
        ? {}
        : typeof payload === 'string'
          ? { payload }
          : { payload: payload as object }),
    })

  async function studyWithSchedule(t: TestTenant): Promise<number> {
    const id = await createStudy(h, t.id, 'S-1')
    const base = `/api/v1/studies/${id}`
    const subjects = Array.from({ length: 30 }, (_, i) => ({ subjectNumber: String(100 + i), siteId: 101 }))
    assert.equal((await call(t, 'POST', `${base}/subjects`, subjects)).statusCode, 201)
    const tps = Array.from({ length: 10 }, (_, i) => ({ name: `T${i}`, studyDay: i }))
    assert.equal((await call(t, 'POST', `${base}/timepoints`, tps)).statusCode, 201)
    const items = [
      { code: 'HR', label: 'Heart rate', dataType: 'integer', unit: 'bpm', form: 'VS', itemGroup: 'VS' },
      {
        code: 'CONC',
        label: 'Concentration',
        dataType: 'decimal',
        unit: 'ng/mL',
        form: 'PK',
        itemGroup: 'PK',
      },
      { code: 'NOTE', label: 'Note', dataType: 'text', form: 'VS', itemGroup: 'VS' },
    ]
    assert.equal((await call(t, 'POST', `${base}/items`, items)).statusCode, 201)
    return id
  }

  test('subjects, timepoints and items are created and listed; subjects page by cursor', async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const first = await call(t, 'GET', `/api/v1/studies/${id}/subjects?limit=20`)
    assert.equal(first.statusCode, 200)
    const p1 = first.json<{ items: { subjectNumber: string }[]; nextCursor: string }>()
    assert.equal(p1.items.length, 20)
    const p2 = (
      await call(t, 'GET', `/api/v1/studies/${id}/subjects?limit=20&cursor=${p1.nextCursor}`)
    ).json<{
      items: unknown[]
      nextCursor: null
    }>()
    assert.equal(p2.items.length, 10)
    assert.equal(p2.nextCursor, null)
    const { items } = (await call(t, 'GET', `/api/v1/studies/${id}/items`)).json<{
      items: { code: string }[]
    }>()
    assert.deepEqual(
      items.map((i) => i.code),
      ['HR', 'CONC', 'NOTE'],
    )
  })

  test('a subject at an unknown site or a duplicate number → 422 naming the field; nothing written', async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const res = await call(t, 'POST', `/api/v1/studies/${id}/subjects`, [
      { subjectNumber: '900', siteId: 999 },
      { subjectNumber: '100' },
    ])
    assert.equal(res.statusCode, 422)
    const paths = res.json<Problem>().errors?.map((e) => e.path)
    assert.deepEqual(paths, ['/body/0/siteId', '/body/1/subjectNumber'])
    const list = (await call(t, 'GET', `/api/v1/studies/${id}/subjects?limit=1000`)).json<{
      items: unknown[]
    }>()
    assert.equal(list.items.length, 30)
  })

  test('a streamed NDJSON import is written whole, and narrowing lists only what was asked', async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const lines: string[] = []
    for (let s = 0; s < 30; s++)
      for (let tp = 0; tp < 10; tp++)
        for (const item of ['HR', 'CONC', 'NOTE'])
          lines.push(
            JSON.stringify({
              subject: String(100 + s),
              timepoint: `T${tp}`,
              item,
              value: item === 'HR' ? String(60 + s) : item === 'CONC' ? '1.50' : 'ok',
              collectedAt: '2026-01-05T08:30:00Z',
              locked: tp < 5,
            }),
          )
    const res = await call(t, 'POST', `/api/v1/studies/${id}/observations/import`, lines.join('\n') + '\n', {
      'content-type': 'application/x-ndjson',
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.deepEqual(res.json(), { rows: 900 })
    const narrowed = await call(
      t,
      'GET',
      `/api/v1/studies/${id}/observations?subjects=101,102&timepoints=T3&limit=1000`,
    )
    const obs = narrowed.json<{ items: { subject: string; value: string; locked: boolean }[] }>().items
    assert.equal(obs.length, 6)
    assert.ok(obs.every((o) => ['101', '102'].includes(o.subject) && o.locked))
    assert.ok(
      obs.some((o) => o.value === '1.50'),
      'decimal text kept exactly',
    )
  })

  test('a CSV import with quoted fields works; a bad body is refused whole with every bad line listed', async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const url = `/api/v1/studies/${id}/observations/import`
    const csv =
      'subject,timepoint,item,value,locked\n100,T0,NOTE,"said ""hi"", then\nleft",false\n100,T0,HR,72,true\n'
    const ok = await call(t, 'POST', url, csv, { 'content-type': 'text/csv' })
    assert.equal(ok.statusCode, 200, ok.body)
    const note = (await call(t, 'GET', `/api/v1/studies/${id}/observations?subjects=100`)).json<{
      items: { item: string; value: string }[]
    }>()
    assert.equal(note.items.find((o) => o.item === 'NOTE')?.value, 'said "hi", then\nleft')
    const bad = [
      '{"subject":"101","timepoint":"T1","item":"HR","value":"70"}',
      '{"subject":"999","timepoint":"T1","item":"HR","value":"70"}',
      '{"subject":"101","timepoint":"T1","item":"HR","value":"71"}',
      'not json',
      '{"subject":"101","timepoint":"T2","item":"HR","value":"7.5"}',
      '{"subject":"100","timepoint":"T0","item":"HR","value":"73"}',
    ].join('\n')
    const res = await call(t, 'POST', url, bad, { 'content-type': 'application/x-ndjson' })
    assert.equal(res.statusCode, 422)
    const errors = res.json<Problem>().errors ?? []
    assert.deepEqual(
      errors.map((e) => `${e.path}:${e.rule}`),
      [
        '/lines/2/subject:reference',
        '/lines/3:duplicate',
        '/lines/4:format',
        '/lines/5/value:type',
        '/lines/6:locked',
      ],
    )
    const after = (await call(t, 'GET', `/api/v1/studies/${id}/observations?subjects=101`)).json<{
      items: unknown[]
    }>()
    assert.equal(after.items.length, 0, 'nothing of the refused body was written')
  })

  test('an import in a format the route does not take → 415', async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const res = await call(t, 'POST', `/api/v1/studies/${id}/observations/import`, '<a/>', {
      'content-type': 'application/xml',
    })
    assert.equal(res.statusCode, 415)
  })

  test("a restricted user is refused another study's data; another tenant's study is invisible", async () => {
    const t = await createTenant(h)
    const id = await studyWithSchedule(t)
    const other = await createStudy(h, t.id, 'S-2')
    await restrictUserToStudies(h.database.db, systemActor(t.id), t.userId, [other])
    assert.equal((await call(t, 'GET', `/api/v1/studies/${id}/subjects`)).statusCode, 403)
    assert.equal((await call(t, 'GET', `/api/v1/studies/${other}/subjects`)).statusCode, 200)
    const stranger = await createTenant(h)
    const res = await call(stranger, 'GET', `/api/v1/studies/${other}/subjects`)
    assert.equal(res.statusCode, 404)
  })

  test('the demo study has 24 subjects over two sites, 10 timepoints, 8 items, locked and unlocked data', async () => {
    const t = await createTenant(h)
    const id = await createDemoStudy(h, t.id)
    await createDemoStudy(h, t.id) // idempotent
    const subjects = (await call(t, 'GET', `/api/v1/studies/${id}/subjects?limit=100`)).json<{
      items: { siteId: number }[]
    }>().items
    assert.equal(subjects.length, 24)
    assert.equal(new Set(subjects.map((s) => s.siteId)).size, 2)
    const count = async (list: string) =>
      (await call(t, 'GET', `/api/v1/studies/${id}/${list}`)).json<{ items: unknown[] }>().items.length
    assert.equal(await count('timepoints'), 10)
    assert.equal(await count('items'), 8)
    const obs = (await call(t, 'GET', `/api/v1/studies/${id}/observations?limit=1000`)).json<{
      items: { locked: boolean }[]
    }>().items
    assert.ok(obs.some((o) => o.locked) && obs.some((o) => !o.locked))
  })
})
