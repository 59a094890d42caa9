import assert from 'node:assert/strict'
import { test } from 'node:test'
import { onEveryDatabase } from '../../test/support/harness.js'
import { recruitWorld, type RecruitWorld } from '../../test/support/recruit.js'
import { createDemoStudy } from '../../test/support/study-data.js'
import { encodeCursor, PAGE_LIMIT } from './pagination.js'

interface Page {
  items: unknown[]
  nextCursor: string | null
}

onEveryDatabase('one pager for every native list', (h) => {
  let w: RecruitWorld
  let demo: number
  const get = (url: string) => h.app.inject({ url, headers: w.admin.basic })

  test('setup: a clinic with a recruiting study and the demo study data', async () => {
    w = await recruitWorld(h)
    demo = await createDemoStudy(h, w.admin.id)
  })

  const lists = (): string[] => [
    '/api/v1/studies',
    '/api/v1/plans',
    `/api/v1/studies/${w.pk.studyId}/sites`,
    `/api/v1/studies/${w.pk.studyId}/cohorts`,
    `/api/v1/studies/${w.pk.studyId}/sites/1/slots`,
    '/api/v1/volunteer-questions',
    '/api/v1/volunteers',
    `/api/v1/studies/${demo}/subjects`,
    `/api/v1/studies/${demo}/timepoints`,
    `/api/v1/studies/${demo}/items`,
    `/api/v1/studies/${demo}/observations`,
    '/api/v1/admin/users',
    '/api/v1/admin/roles',
    `/api/v1/admin/users/${w.admin.userId}/tokens`,
    '/api/v1/audit',
  ]

  /** Every item of `url`, walking its pages of `limit`, checking each page's envelope. */
  async function walk(url: string, limit: number): Promise<unknown[]> {
    const seen: unknown[] = []
    let cursor: string | null = null
    for (let pages = 0; pages < 10_000; pages++) {
      const res = await get(`${url}?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`)
      const page = res.json<Page>()
      assert.deepEqual(Object.keys(page).sort(), ['items', 'nextCursor'], url)
      assert.ok(page.items.length <= limit, url)
      if (page.nextCursor !== null)
        assert.equal(page.items.length, limit, `${url}: a short page before the last`)
      seen.push(...page.items)
      cursor = page.nextCursor
      if (cursor === null) return seen
    }
    assert.fail(`${url} never reached its last page`)
  }

  test('every list answers {items, nextCursor}; any page size visits every item once, in order', async () => {
    for (const url of lists()) {
      const all = await walk(url, PAGE_LIMIT.maximum)
      const first = (await get(url)).json<Page>()
      assert.deepEqual(first.items, all.slice(0, PAGE_LIMIT.default), `${url}: the default page`)
      const small = Math.max(1, Math.ceil(all.length / 7))
      assert.deepEqual(await walk(url, small), all, `${url} by ${small}`)
      if (small > 1 && all.length <= 40) assert.deepEqual(await walk(url, 1), all, `${url} by 1`)
    }
  })

  test('the short per-study lists page too (more than one item, several pages)', async () => {
    const tps = (await get(`/api/v1/studies/${demo}/timepoints?limit=4`)).json<Page>()
    assert.equal(tps.items.length, 4)
    assert.notEqual(tps.nextCursor, null)
    const rest = (
      await get(`/api/v1/studies/${demo}/timepoints?limit=100&cursor=${tps.nextCursor}`)
    ).json<Page>()
    assert.equal(rest.items.length, 6)
    assert.equal(rest.nextCursor, null)
    const sites = (await get(`/api/v1/studies/${w.pk.studyId}/sites?limit=1`)).json<Page>()
    assert.equal(sites.items.length, 1)
    assert.notEqual(sites.nextCursor, null)
  })

  test('a limit out of range, a cursor this API did not make and an unknown parameter answer 422', async () => {
    const foreign = [
      'garbage',
      '5',
      encodeCursor(2_147_483_648),
      Buffer.from('v1:5').toString('base64url'),
      encodeCursor(1) + '%00',
    ]
    for (const url of lists()) {
      for (const query of [
        'limit=0',
        `limit=${PAGE_LIMIT.maximum + 1}`,
        'limit=1.5',
        'limit=-1',
        ...foreign.map((c) => `cursor=${c}`),
        'page=2',
      ]) {
        const res = await get(`${url}?${query}`)
        assert.equal(res.statusCode, 422, `${url}?${query}: ${res.statusCode} ${res.body}`)
      }
    }
  })

  test('the Track-compatible and Recruit-partner lists keep the shapes their seeds define', async () => {
    const sites = await h.app.inject({ url: '/api/v1/recruit/findActiveStudySites', headers: w.website })
    assert.equal(sites.statusCode, 200, sites.body)
    assert.ok(Array.isArray(sites.json()))
  })
})
