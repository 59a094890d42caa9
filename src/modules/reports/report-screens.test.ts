import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase } from '../../../test/support/harness.js'
import { createDemoStudy, createStudy } from '../../../test/support/study-data.js'
import { systemActor } from '../audit/service.js'
import { restrictUserToStudies } from '../conduct/access.js'

interface Page<T> {
  items: T[]
  nextCursor: string | null
}
interface StudyItem {
  id: number
  protocol: string
  timepoints: string[]
}
interface JobItem {
  id: number
  reportName: string
  status: string
}

/** What a report form and "my recent jobs" read: the studies one may run reports on, one's own jobs. */
onEveryDatabase('report screens: the studies offered, my jobs', (h) => {
  test('studies offered: the tenant’s, less those the account is restricted from, with their timepoints', async () => {
    const t = await createTenant(h, { actions: ['api', 'reports.run'] })
    const demo = await createDemoStudy(h, t.id)
    const other = await createStudy(h, t.id, 'OTHER-1')
    const list = (headers: Record<string, string>, query = '') =>
      h.app.inject({ url: `/api/v1/reports/studies${query}`, headers })
    const all = (await list(t.basic)).json<Page<StudyItem>>()
    assert.deepEqual(
      all.items.map((s) => s.protocol),
      ['DEMO-PK-01', 'OTHER-1'],
    )
    const demoItem = all.items.find((s) => s.id === demo)
    assert.ok(demoItem && demoItem.timepoints.length > 0)
    const firstPage = (await list(t.basic, '?limit=1')).json<Page<StudyItem>>()
    assert.equal(firstPage.items.length, 1)
    assert.ok(firstPage.nextCursor)
    const second = (await list(t.basic, `?limit=1&cursor=${firstPage.nextCursor}`)).json<Page<StudyItem>>()
    assert.deepEqual(
      second.items.map((s) => s.id),
      [other],
    )
    assert.equal(second.nextCursor, null)

    await restrictUserToStudies(h.database.db, systemActor(t.id), t.userId, [other])
    assert.deepEqual(
      (await list(t.basic)).json<Page<StudyItem>>().items.map((s) => s.protocol),
      ['OTHER-1'],
    )
    assert.equal((await list(t.basic, '?cursor=nonsense')).statusCode, 422)
    const stranger = await createTenant(h, { actions: ['api', 'reports.run'] })
    assert.deepEqual((await list(stranger.basic)).json<Page<StudyItem>>().items, [])
    const noAction = await createTenant(h, { actions: ['api', 'studies.view'] })
    assert.equal((await list(noAction.basic)).statusCode, 403)
  })

  test('my jobs: newest first, paged, only the ones I submitted', async () => {
    const t = await createTenant(h, { actions: ['api', 'reports.run'] })
    await createDemoStudy(h, t.id)
    const submit = async (reportName: string) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/reports/jobs',
        headers: t.basic,
        payload: { reportName, studyName: 'DEMO-PK-01' },
      })
      assert.equal(res.statusCode, 202, res.body)
      return res.json<JobItem>().id
    }
    const ids = [await submit('subjects'), await submit('visit-completion'), await submit('transfer')]
    const mine = (query = '') =>
      h.app
        .inject({ url: `/api/v1/reports/jobs${query}`, headers: t.basic })
        .then((r) => r.json<Page<JobItem>>())
    const page = await mine()
    assert.deepEqual(
      page.items.map((j) => j.id),
      [...ids].reverse(),
    )
    assert.deepEqual(
      page.items.map((j) => j.reportName),
      ['transfer', 'visit-completion', 'subjects'],
    )
    const first = await mine('?limit=2')
    assert.equal(first.items.length, 2)
    const rest = await mine(`?limit=2&cursor=${first.nextCursor ?? ''}`)
    assert.deepEqual(
      rest.items.map((j) => j.id),
      [ids[0]],
    )
    assert.equal(rest.nextCursor, null)

    // Another user of the same tenant, and another tenant, see none of them.
    const colleague = await t.service.createUser(
      t.id,
      {
        username: 'colleague',
        password: 'colleague-pass-123',
        basicAuthEnabled: true,
        roles: ['administrator'],
      },
      systemActor(t.id),
    )
    assert.ok(colleague)
    const theirs = await h.app.inject({
      url: '/api/v1/reports/jobs',
      headers: {
        authorization: `Basic ${Buffer.from('colleague:colleague-pass-123').toString('base64')}`,
        customerCode: t.code,
      },
    })
    assert.equal(theirs.statusCode, 200, theirs.body)
    assert.deepEqual(theirs.json<Page<JobItem>>().items, [])
    const stranger = await createTenant(h, { actions: ['api', 'reports.run'] })
    const strangers = await h.app.inject({ url: '/api/v1/reports/jobs', headers: stranger.basic })
    assert.deepEqual(strangers.json<Page<JobItem>>().items, [])
  })
})
