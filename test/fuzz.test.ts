import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { createBaselinePlan } from './support/track.js'
import { createStudy } from './support/study-data.js'
import { onEveryDatabase } from './support/harness.js'
import { recruitWorld, type RecruitWorld } from './support/recruit.js'
import { assertErrorShape, assertHealthy, snapshot, surfaceOfUrl } from './support/unchanged.js'
import { jsonBodies, mustRefuse, poisonBodies, POISON_PARAMS, xmlBodies } from './support/fuzz-cases.js'

/**
 * A fuzzer over the running app's own OpenAPI document: for every operation, parameters and bodies that break
 * what it declares, plus the numeric, unicode, size and nesting cases of issue #18. Every answer must be below
 * 500 and, for anything but a GET, a 4xx in the surface's error shape; no operation may change a row or the
 * audit trail. Seeded (FUZZ_SEED) and bounded in time: FUZZ_SECONDS per database (default 20) to run longer.
 */
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 20)
const SEED = Number(process.env.FUZZ_SEED ?? 18)
const PER_ROUND = Number(process.env.FUZZ_RUNS ?? 4)
const BODY_LIMIT = 1024 * 1024

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  schema?: Record<string, unknown>
}
interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  body?: Record<string, unknown>
  xml: boolean
}
interface Sent {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
}

function operationsOf(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const o = raw as {
        parameters?: Parameter[]
        requestBody?: { content?: Record<string, { schema?: object }> }
      }
      const body = o.requestBody?.content?.['application/json']?.schema as Record<string, unknown> | undefined
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (o.parameters ?? []).filter((p) => p.in !== 'header'),
        ...(body ? { body } : {}),
        xml: path.startsWith('/cleartrial-ws/actuals/') && method === 'post',
      })
    }
  }
  return ops
}

onEveryDatabase(
  'fuzz: every operation of /openapi.json, fed what it does not declare',
  (h) => {
    let w: RecruitWorld
    let ops: Operation[] = []
    const ids: Record<string, string> = {}

    test('setup: a tenant with data behind every path, and the OpenAPI document', async () => {
      w = await recruitWorld(h)
      ids.studyId = String(await createStudy(h, w.admin.id, 'FUZZ-1'))
      ids.planId = String(await createBaselinePlan(h.database.db, h.dialect, w.admin.id, 'units'))
      ids.baselinePlanId = ids.planId
      ids.userId = String(w.admin.userId)
      const doc = await h.app.inject({ url: '/openapi.json' })
      ops = operationsOf(doc.json())
      assert.ok(ops.length > 50, `only ${ops.length} operations`)
    })

    /** The operation's URL with every parameter valid, except `broken` set to `value` when given. */
    function urlOf(op: Operation, broken?: Parameter, value?: string): string {
      let url = op.path
      const query: string[] = []
      for (const p of op.parameters) {
        const v = p === broken ? (value as string) : p.in === 'path' ? (ids[p.name] ?? '1') : undefined
        if (p.in === 'path') url = url.replace(`{${p.name}}`, v ?? '1')
        else if (v !== undefined) query.push(`${p.name}=${v}`)
      }
      return query.length > 0 ? `${url}?${query.join('&')}` : url
    }

    function casesOf(op: Operation, rng: number): Sent[] {
      const headers = { ...w.admin.basic }
      const cases: Sent[] = []
      const sample = <T>(arb: fc.Arbitrary<T>, n: number) => fc.sample(arb, { seed: rng, numRuns: n })
      for (const p of op.parameters) {
        const bad = sample(fc.constantFrom(...POISON_PARAMS), 2)
        for (const v of bad) cases.push({ method: op.method, url: urlOf(op, p, v), headers })
      }
      if (op.method === 'GET' || op.method === 'DELETE' || op.method === 'HEAD') return cases
      const url = urlOf(op)
      const json = { ...headers, 'content-type': 'application/json' }
      for (const body of sample(jsonBodies(op.body), PER_ROUND)) {
        if (op.xml || mustRefuse(op.body, Buffer.from(body)))
          cases.push({ method: op.method, url, headers: json, payload: body })
      }
      for (const body of poisonBodies(BODY_LIMIT)) {
        if (op.xml || mustRefuse(op.body, body))
          cases.push({ method: op.method, url, headers: json, payload: body })
      }
      if (op.xml) {
        const xml = { ...headers, 'content-type': 'application/xml' }
        for (const body of sample(xmlBodies, PER_ROUND))
          cases.push({ method: op.method, url, headers: xml, payload: body })
      }
      if (op.path.endsWith('/observations/import')) {
        const ndjson = { ...headers, 'content-type': 'application/x-ndjson' }
        for (const body of sample(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), PER_ROUND))
          cases.push({
            method: op.method,
            url,
            headers: ndjson,
            payload: body.map((b) => JSON.stringify(b)).join('\n'),
          })
      }
      return cases
    }

    async function check(c: Sent): Promise<void> {
      const res = await h.app.inject({
        method: c.method as 'GET',
        url: c.url,
        headers: c.headers,
        ...(c.payload === undefined ? {} : { payload: c.payload }),
      })
      const what = `${c.method} ${c.url.slice(0, 120)} ${String(c.payload ?? '').slice(0, 120)} (FUZZ_SEED=${SEED})`
      assert.ok(res.statusCode < 500, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      if (c.method !== 'GET')
        assert.ok(res.statusCode >= 400, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`)
      if (res.statusCode >= 400) assertErrorShape(surfaceOfUrl(c.url), res.statusCode, res.body)
      assert.ok(res.body.length < 64 * 1024, `${what}: an error body of ${res.body.length} bytes`)
    }

    test(`no 5xx, no write, the declared error shape (${SECONDS} s)`, async () => {
      const deadline = Date.now() + SECONDS * 1000
      let round = 0
      let sent = 0
      const covered = new Set<string>()
      while (Date.now() < deadline) {
        for (const op of ops) {
          if (Date.now() >= deadline && round > 0) break
          const before = await snapshot(h)
          for (const c of casesOf(op, SEED + round * 7919 + covered.size)) {
            await check(c)
            sent++
          }
          assert.deepEqual(await snapshot(h), before, `${op.method} ${op.path} wrote (FUZZ_SEED=${SEED})`)
          covered.add(`${op.method} ${op.path}`)
        }
        round++
      }
      await assertHealthy(h)
      assert.equal(covered.size, ops.length, 'every operation was fuzzed at least once')
      assert.ok(sent > ops.length)
    })
  },
  { config: { bodyLimit: BODY_LIMIT, rateLimitMax: 1_000_000, xmlMaxElements: 10_000 } },
)
