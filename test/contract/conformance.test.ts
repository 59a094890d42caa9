import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from 'typebox'
import type { ModulePlugin } from '../../src/modules/index.js'
import { buildTestApp, testConfig } from '../support/harness.js'

/** Routes that break their own declarations, to show the check catches each kind of breach. */
const liar: ModulePlugin = async (app) => {
  const config = { action: 'public' as const }
  app.get(
    '/api/v1/liar/body',
    { config, schema: { response: { 200: Type.Object({ n: Type.Integer() }) } } },
    async (_request, reply) => reply.type('application/json').serializer(JSON.stringify).send({ n: 'one' }),
  )
  app.get(
    '/api/v1/liar/status',
    { config, schema: { response: { 200: Type.Object({}) } } },
    async (_request, reply) => reply.code(418 as 200).send({}),
  )
  app.get(
    '/api/v1/liar/type',
    { config, schema: { response: { 200: Type.Object({}) } } },
    async (_request, reply) => reply.type('text/plain').send('hello'),
  )
  app.get(
    '/api/v1/liar/none',
    { config, schema: { response: { 200: Type.Object({ n: Type.Integer() }) } } },
    async () => ({ n: 1 }),
  )
}

void test('the conformance check fails close() for an undeclared status, media type or body, and only then', async () => {
  const app = await buildTestApp(testConfig(), { plugins: [liar] })
  await app.ready()
  for (const path of ['body', 'status', 'type', 'none']) await app.inject({ url: `/api/v1/liar/${path}` })
  await assert.rejects(app.close(), (err: Error) => {
    assert.match(
      err.message,
      /GET \/api\/v1\/liar\/body → 200: body does not match the declared schema: \/n must be integer/,
    )
    assert.match(err.message, /GET \/api\/v1\/liar\/status → 418: status not declared/)
    assert.match(err.message, /GET \/api\/v1\/liar\/type → 200: text\/plain not declared/)
    assert.doesNotMatch(err.message, /liar\/none/)
    return true
  })

  const honest = await buildTestApp(testConfig(), { plugins: [liar] })
  await honest.ready()
  assert.equal((await honest.inject({ url: '/api/v1/liar/none' })).statusCode, 200)
  await honest.close()
})
