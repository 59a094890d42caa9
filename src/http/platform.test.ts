import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from 'typebox'
import type { ModulePlugin } from '../modules/index.js'
import { createTenant, onEveryDatabase, type TestTenant } from '../../test/support/harness.js'

/** A probe route on the Track surface that echoes what it was sent, in JSON or XML. */
const probe: ModulePlugin = async (app) => {
  app.post(
    '/cleartrial-ws/probe',
    {
      config: {
        action: 'track.view',
        produces: ['json', 'xml'],
        consumes: ['json', 'xml'],
        xml: { arrays: ['item'] },
      },
      schema: {
        body: Type.Object({
          probe: Type.Object(
            { n: Type.Number({ minimum: -1e6, maximum: 1e6 }) },
            { additionalProperties: true },
          ),
        }),
      },
    },
    async (request) => request.body,
  )
}

onEveryDatabase(
  'platform',
  (h) => {
    let t: TestTenant
    const post = (body: string, headers: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url: '/cleartrial-ws/probe',
        payload: body,
        headers: { ...t.basic, ...headers },
      })

    test('setup: a tenant', async () => {
      t = await createTenant(h, { actions: ['api', 'track.view'] })
    })

    test('healthz and readyz answer, with a request id', async () => {
      const health = await h.app.inject({ url: '/healthz' })
      assert.equal(health.statusCode, 200)
      assert.deepEqual(health.json(), { status: 'ok' })
      assert.match(String(health.headers['x-request-id']), /^[0-9a-f-]{36}$/)
      const ready = await h.app.inject({ url: '/readyz' })
      assert.equal(ready.statusCode, 200)
      assert.deepEqual(ready.json(), { status: 'ready' })
    })

    test('a sane incoming X-Request-Id is kept; an insane one is replaced', async () => {
      const kept = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
      assert.equal(kept.headers['x-request-id'], 'abc-123')
      const replaced = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } })
      assert.notEqual(replaced.headers['x-request-id'], 'bad id <script>')
    })

    test('openapi.json is OpenAPI 3.1 with Basic and Bearer schemes and the role action of each operation', async () => {
      const res = await h.app.inject({ url: '/openapi.json' })
      assert.equal(res.statusCode, 200)
      const doc = res.json<{
        openapi: string
        components: { securitySchemes: Record<string, { scheme: string }> }
        paths: Record<string, Record<string, { 'x-role-action'?: string; security?: unknown[] }>>
      }>()
      assert.equal(doc.openapi, '3.1.0')
      assert.equal(doc.components.securitySchemes.basicAuth?.scheme, 'basic')
      assert.equal(doc.components.securitySchemes.bearerAuth?.scheme, 'bearer')
      assert.equal(doc.paths['/cleartrial-ws/probe']?.post?.['x-role-action'], 'track.view')
      assert.deepEqual(doc.paths['/healthz']?.get?.security, [])
    })

    test('Swagger UI is served from the package at /docs', async () => {
      const res = await h.app.inject({ url: '/docs/' })
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /swagger-ui/)
      assert.doesNotMatch(res.body, /https?:\/\/(cdn|unpkg)/)
    })

    test('JSON in, XML out, chosen by Accept with q-values', async () => {
      const res = await post('{"probe":{"n":1.5}}', {
        'content-type': 'application/json',
        accept: 'application/json;q=0.5, application/xml',
      })
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['content-type']), /^application\/xml/)
      assert.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?><probe><n>1.5</n></probe>')
    })

    test('XML in, JSON out; one-element arrays stay arrays; empty elements are null', async () => {
      const res = await post('<?xml version="1.0"?><probe><n>2</n><item>a</item><empty/></probe>', {
        'content-type': 'application/xml',
        accept: 'application/json',
      })
      assert.equal(res.statusCode, 200)
      assert.deepEqual(res.json(), { probe: { n: 2, item: ['a'], empty: null } })
    })

    test('no Accept (or */*): the answer, and its errors, follow the body: XML in, XML out', async () => {
      for (const accept of [{}, { accept: '*/*' }] as Record<string, string>[]) {
        const ok = await post('<probe><n>2</n></probe>', { 'content-type': 'application/xml', ...accept })
        assert.equal(ok.statusCode, 200)
        assert.match(String(ok.headers['content-type']), /^application\/xml/)
        assert.equal(ok.body, '<?xml version="1.0" encoding="UTF-8"?><probe><n>2</n></probe>')
        const bad = await post('<probe><n>1</probe>', { 'content-type': 'text/xml', ...accept })
        assert.equal(bad.statusCode, 400)
        assert.match(String(bad.headers['content-type']), /^application\/xml/)
        assert.match(
          bad.body,
          /^<\?xml[^>]*><error><errorCode>Bad Request<\/errorCode><message>Malformed XML/,
        )
      }
      const json = await post('{"probe":{"n":3}}', { 'content-type': 'application/json' })
      assert.match(String(json.headers['content-type']), /^application\/json/)
    })

    test('malformed JSON → 400 in the Track error shape', async () => {
      const res = await post('{"probe": ', { 'content-type': 'application/json' })
      assert.equal(res.statusCode, 400)
      const body = res.json<{ error: { errorCode: string; message: string } }>()
      assert.equal(body.error.errorCode, 'Bad Request')
      assert.match(body.error.message, /JSON/)
    })

    test('malformed XML → 400, in XML when XML was asked for', async () => {
      const res = await post('<probe><n>1</probe>', {
        'content-type': 'application/xml',
        accept: 'application/xml',
      })
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /<error><errorCode>Bad Request<\/errorCode><message>Malformed XML/)
    })

    test('an XML body with a DOCTYPE or entity → 400, never expanded', async () => {
      const bomb =
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><probe><n>&lol2;</n></probe>'
      const res = await post(bomb, { 'content-type': 'application/xml' })
      assert.equal(res.statusCode, 400)
      assert.match(
        res.body,
        /<error><errorCode>Bad Request<\/errorCode><message>XML body refused at \/: DOCTYPE or ENTITY declarations are not accepted/,
      )
    })

    test('schema violations → 400 on the Track surface naming the field', async () => {
      const res = await post('{"probe":{"n":"seven"}}', { 'content-type': 'application/json' })
      assert.equal(res.statusCode, 400)
      assert.match(res.json<{ error: { message: string } }>().error.message, /\/body\/probe\/n/)
    })

    test('unsupported Accept → 406; unsupported Content-Type → 415', async () => {
      const notAcceptable = await post('{"probe":{"n":1}}', {
        'content-type': 'application/json',
        accept: 'text/csv',
      })
      assert.equal(notAcceptable.statusCode, 406)
      assert.ok(notAcceptable.json<{ error: unknown }>().error)
      const unsupported = await post('n=1', { 'content-type': 'application/x-www-form-urlencoded' })
      assert.equal(unsupported.statusCode, 415)
      assert.ok(unsupported.json<{ error: unknown }>().error)
      const native = await h.app.inject({ url: '/api/v1/me', headers: { ...t.basic, accept: 'text/html' } })
      assert.equal(native.statusCode, 406)
      assert.match(String(native.headers['content-type']), /application\/problem\+json/)
    })

    test('a body over BODY_LIMIT → 413, and the server keeps serving', async () => {
      const big = JSON.stringify({ probe: { n: 1, pad: 'x'.repeat(70 * 1024) } })
      const res = await post(big, { 'content-type': 'application/json' })
      assert.equal(res.statusCode, 413)
      assert.ok(res.json<{ error: unknown }>().error)
      const after = await h.app.inject({ url: '/healthz' })
      assert.equal(after.statusCode, 200)
    })

    test('unknown routes → 404 in each surface’s shape', async () => {
      const native = await h.app.inject({ url: '/api/v1/nothing-here' })
      assert.equal(native.statusCode, 404)
      assert.match(String(native.headers['content-type']), /application\/problem\+json/)
      assert.equal(native.json<{ status: number }>().status, 404)
      const track = await h.app.inject({ url: '/cleartrial-ws/nothing-here' })
      assert.equal(track.statusCode, 404)
      assert.equal(track.json<{ error: { errorCode: string } }>().error.errorCode, 'Not Found')
      const trackXml = await h.app.inject({
        url: '/cleartrial-ws/nothing-here',
        headers: { accept: 'application/xml' },
      })
      assert.equal(trackXml.statusCode, 404)
      assert.match(String(trackXml.headers['content-type']), /application\/xml/)
      assert.match(trackXml.body, /<error><errorCode>Not Found<\/errorCode>/)
    })

    test('responses are gzip-compressed when asked', async () => {
      const res = await h.app.inject({ url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } })
      assert.equal(res.headers['content-encoding'], 'gzip')
    })
  },
  { config: { bodyLimit: 64 * 1024 }, plugins: [probe] },
)
