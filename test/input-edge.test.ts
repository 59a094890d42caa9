import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createBaselinePlan, planFromFixture } from './support/track.js'
import { createStudy } from './support/study-data.js'
import { onEveryDatabase } from './support/harness.js'
import { recruitWorld, volunteer, type RecruitWorld } from './support/recruit.js'
import { assertErrorShape, assertHealthy, snapshot, surfaceOfUrl } from './support/unchanged.js'

interface Problem {
  detail: string
  errors?: { path: string; message: string; rule: string }[]
  omittedErrors?: number
}

/** Issue #18's input cases: each gets its 4xx, writes nothing (rows and audit trail) and leaves the server well. */
onEveryDatabase(
  'input at the edge: numbers, text, XML and error bodies',
  (h) => {
    let w: RecruitWorld
    let conductStudy: number
    let planId: number
    const xmlPlan = () => `/cleartrial-ws/actuals/${planId}/sites`
    const lockToken = async () =>
      (await h.app.inject({ url: xmlPlan(), headers: w.admin.basic })).json<{
        actualSites: { lockToken: number }
      }>().actualSites.lockToken

    /** Sends a raw request and checks the status, the surface's error shape, and that nothing was written. */
    async function refused(
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      body: string | Buffer | undefined,
      expected: number | readonly number[],
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) {
      const before = await snapshot(h)
      const res = await h.app.inject({
        method,
        url,
        headers: { ...w.admin.basic, ...headers },
        ...(body === undefined ? {} : { payload: body }),
      })
      const allowed = typeof expected === 'number' ? [expected] : expected
      assert.ok(
        allowed.includes(res.statusCode),
        `${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`,
      )
      assertErrorShape(surfaceOfUrl(url), res.statusCode, res.body)
      assert.deepEqual(await snapshot(h), before, `${method} ${url} changed the database`)
      await assertHealthy(h)
      return res
    }

    test('setup: a clinic with recruiting studies, a conduct study and a Track plan', async () => {
      w = await recruitWorld(h)
      conductStudy = await createStudy(h, w.admin.id, 'EDGE-1')
      planId = await createBaselinePlan(h.database.db, h.dialect, w.admin.id, 'sites')
    })

    test('1e309 (Infinity) and 2^63 are refused wherever an integer is taken, and the lists still answer', async () => {
      const pk = w.pk.studyId
      for (const n of ['1e309', '-1e309', '9223372036854775808', '2147483648']) {
        await refused('POST', `/api/v1/studies/${pk}/sites`, `{"siteId":${n},"name":"inf"}`, 422)
        await refused(
          'POST',
          '/api/v1/volunteer-questions',
          `{"text":"Q?","answerType":"text","siteId":${n}}`,
          422,
        )
        await refused(
          'POST',
          `/api/v1/studies/${conductStudy}/subjects`,
          `[{"subjectNumber":"9","volunteerId":${n}}]`,
          422,
        )
        const v = JSON.stringify(volunteer()).replace('"sitePreferenceId":1', `"sitePreferenceId":${n}`)
        await refused('POST', '/api/v1/recruit/saveVolunteer', v, 422)
      }
      const plan = JSON.stringify(planFromFixture('units', conductStudy)).replace(/"id":(\d+)/, '"id":1e309')
      const res = await refused('POST', '/api/v1/plans', plan, 422)
      assert.match(res.json<Problem>().detail, /finite/)
      const sites = await h.app.inject({ url: `/api/v1/studies/${pk}/sites`, headers: w.admin.basic })
      assert.equal(sites.statusCode, 200, sites.body)
    })

    test('path and query ids are strict decimal: 0x10, %201, 1e1, +1 and -0 are not read as numbers', async () => {
      for (const id of ['0x10', '%201', '1e1', '+1', '1.0', '2147483648', '99999999999999999999']) {
        await refused('GET', `/api/v1/studies/${id}`, undefined, [400, 404, 422])
        await refused('GET', `/cleartrial-ws/actuals/${id}/sites`, undefined, [400, 404])
        await refused('GET', `/api/v1/plans?studyId=${id}`, undefined, [400, 422])
      }
      const ok = await h.app.inject({ url: `/api/v1/studies/${w.pk.studyId}`, headers: w.admin.basic })
      assert.equal(ok.statusCode, 200, ok.body)
    })

    test('XML: prototype names, deep nesting, too many elements, long text, many attributes → 400 naming it', async () => {
      const xml = { 'content-type': 'application/xml' }
      const cases: [string, RegExp][] = [
        ['<actualSites><__proto__>1</__proto__></actualSites>', /__proto__/],
        ['<actualSites><constructor><a>1</a></constructor></actualSites>', /constructor/],
        ['<actualSites><prototype/></actualSites>', /prototype/],
        [`${'<a>'.repeat(10_000)}1${'</a>'.repeat(10_000)}`, /nested more than 32/],
        [`<actualSites>${'<x>1</x>'.repeat(1_001)}</actualSites>`, /more than 1000 elements/],
        [`<actualSites><x>${'y'.repeat(100_001)}</x></actualSites>`, /text node is longer/],
        [
          `<actualSites><x ${Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ')}/></actualSites>`,
          /attributes/,
        ],
        ['<!DOCTYPE x [<!ENTITY e "e">]><actualSites/>', /DOCTYPE/],
        ['<actualSites><x>1</y></actualSites>', /Malformed XML/],
      ]
      for (const [body, named] of cases) {
        const res = await refused('POST', xmlPlan(), body, 400, { ...xml, accept: 'application/json' })
        assert.match(res.json<{ error: { message: string } }>().error.message, named)
      }
      const asXml = await refused('POST', xmlPlan(), '<a><__proto__/></a>', 400, {
        ...xml,
        accept: 'application/xml',
      })
      assert.match(asXml.body, /<error><errorCode>Bad Request<\/errorCode><message>XML body refused/)
    })

    test('text: lone surrogates and invalid UTF-8 are refused naming the field, JSON and XML alike', async () => {
      const lone = JSON.stringify(volunteer()).replace('"lastName":"Example"', '"lastName":"a\\ud800b"')
      const res = await refused('POST', '/api/v1/recruit/saveVolunteer', lone, 422)
      assert.deepEqual(
        res.json<Problem>().errors?.map((e) => [e.path, e.rule]),
        [['/body/lastName', 'unicode']],
      )
      const [head = '', tail = ''] = JSON.stringify(volunteer({ lastName: 'Ex@@ample' })).split('@@')
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe]), Buffer.from(tail)])
      const invalid = await refused('POST', '/api/v1/recruit/saveVolunteer', bytes, 422)
      assert.deepEqual(
        invalid.json<Problem>().errors?.map((e) => e.path),
        ['/body/lastName'],
      )
      const nul = await refused('GET', '/api/v1/recruit/findActiveStudySites?studyName=a%00b', undefined, 422)
      assert.deepEqual(
        nul.json<Problem>().errors?.map((e) => e.path),
        ['/querystring/studyName'],
      )
      const nulBody = JSON.stringify(volunteer()).replace('"lastName":"Example"', '"lastName":"a\\u0000b"')
      await refused('POST', '/api/v1/recruit/saveVolunteer', nulBody, 422)
      const xmlBytes = Buffer.concat([
        Buffer.from('<actualSites><x>'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('</x></actualSites>'),
      ])
      const xml = await refused('POST', xmlPlan(), xmlBytes, 400, { 'content-type': 'application/xml' })
      assert.match(xml.body, /not valid UTF-8/)
    })

    test('text is NFC before duplicate checks: a decomposed name, then the composed one, is the duplicate 422', async () => {
      const first = volunteer({ lastName: 'Mu\u0308ller' })
      const created = await h.app.inject({
        method: 'POST',
        url: '/api/v1/recruit/saveVolunteer',
        headers: w.website,
        payload: first,
      })
      assert.equal(created.statusCode, 200, created.body)
      const again = JSON.stringify({ ...first, lastName: 'M\u00fcller', email: 'other@example.test' })
      const dup = await refused('POST', '/api/v1/recruit/saveVolunteer', again, 422)
      assert.ok(
        dup.json<Problem>().errors?.some((e) => e.rule === 'duplicate'),
        dup.body,
      )
      const tp = `/api/v1/studies/${conductStudy}/timepoints`
      const made = await h.app.inject({
        method: 'POST',
        url: tp,
        headers: w.admin.basic,
        payload: [{ name: 'Di\u0301a 1', studyDay: 1 }],
      })
      assert.equal(made.statusCode, 201, made.body)
      await refused('POST', tp, JSON.stringify([{ name: 'D\u00eda 1', studyDay: 2 }]), [409, 422])
    })

    test('error bodies are capped: 100 errors listed, the rest counted, detail a summary', async () => {
      const empties = `[${Array.from({ length: 100_000 }, () => '{}').join(',')}]`
      const res = await refused('POST', `/api/v1/studies/${conductStudy}/subjects`, empties, 422)
      const p = res.json<Problem>()
      assert.equal(p.errors?.length, 100)
      assert.ok((p.omittedErrors ?? 0) > 0)
      assert.ok(res.body.length < 40_000, `body of ${res.body.length} bytes`)
      assert.ok(p.detail.length < 1_000, p.detail)
      const unknown = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`f${i}`, 1]))
      const many = await refused('POST', '/api/v1/recruit/saveVolunteer', JSON.stringify(unknown), 422)
      assert.ok(many.body.length < 40_000, `body of ${many.body.length} bytes`)
      const longKey = JSON.stringify({ ['k'.repeat(1_000_000)]: 1 })
      const long = await refused('POST', '/api/v1/recruit/saveVolunteer', longKey, 422)
      assert.ok(long.body.length < 40_000, `body of ${long.body.length} bytes`)
      const track = await refused(
        'POST',
        xmlPlan(),
        JSON.stringify({
          actualSites: {
            lockToken: await lockToken(),
            location: Array.from({ length: 100_000 }, () => ({})),
          },
        }),
        400,
      )
      assert.ok(track.body.length < 40_000, `body of ${track.body.length} bytes`)
      const lines = Array.from(
        { length: 30_000 },
        () => '{"subject":"1","timepoint":"T","item":"X","value":"1"}',
      )
      const ndjson = { 'content-type': 'application/x-ndjson' }
      const imported = await refused(
        'POST',
        `/api/v1/studies/${conductStudy}/observations/import`,
        lines.join('\n'),
        422,
        ndjson,
      )
      assert.ok(imported.body.length < 40_000, `body of ${imported.body.length} bytes`)
    })

    test('smaller ones: empty import body, a huge expiresIn, 2010-02-31, non-finite Track values', async () => {
      await refused('POST', `/api/v1/studies/${conductStudy}/observations/import`, undefined, [400, 422], {})
      await refused('POST', `/api/v1/studies/${conductStudy}/observations/import`, '', [400, 422], {
        'content-type': 'application/x-ndjson',
      })
      const tokens = `/api/v1/admin/users/${w.admin.userId}/tokens`
      for (const e of ['99999999999999999999d', '999999999d', '3651d'])
        await refused('POST', tokens, JSON.stringify({ name: 'x', expiresIn: e }), 422)
      const report = `/api/v1/invokeReport?reportName=subjects&studyId=${conductStudy}`
      for (const d of ['2010-02-31', '2010-13-01', '2010-02-29', '2011-02-29T10:00:00Z', '2010-01-01T24:00'])
        await refused('GET', `${report}&dateFrom=${d}`, undefined, 422)
      await refused('POST', xmlPlan(), '{"actualSites":{"location":[{"locationId":1e309}]}}', 400)
    })

    test('/docs: no upgrade-insecure-requests over plain HTTP, and it is there over HTTPS', async () => {
      const plain = await h.app.inject({ url: '/docs/' })
      assert.doesNotMatch(String(plain.headers['content-security-policy']), /upgrade-insecure-requests/)
      assert.match(String(plain.headers['content-security-policy']), /default-src 'self'/)
      const https = await h.app.inject({ url: '/docs/', headers: { 'x-forwarded-proto': 'https' } })
      assert.match(String(https.headers['content-security-policy']), /upgrade-insecure-requests/)
    })
  },
  { config: { xmlMaxElements: 1000, trustProxy: true, rateLimitMax: 100_000 } },
)
