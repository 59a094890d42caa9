import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from './support/harness.js'
import { createStudy } from './support/study-data.js'
import { assertHealthy, snapshot } from './support/unchanged.js'

/** Sends the headers and part of a body, then nothing; resolves with what the server sent and when it closed. */
function stall(
  port: number,
  headers: Record<string, string>,
  path: string,
): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    socket.on('data', (d: Buffer) => (reply += d.toString()))
    socket.on('close', () => {
      resolve({ reply, ms: Date.now() - started })
    })
    socket.on('error', reject)
    const lines = Object.entries({ ...headers, 'content-type': 'application/json', 'content-length': '1000' })
    socket.write(
      `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`,
    )
    socket.write('[{"subjectNumber":')
  })
}

onEveryDatabase(
  'a request whose body never finishes',
  (h) => {
    let t: TestTenant
    let port: number
    test('setup', async () => {
      t = await createTenant(h)
      await h.app.listen({ port: 0, host: '127.0.0.1' })
      const address = h.app.server.address()
      port = typeof address === 'object' && address ? address.port : 0
    })

    test('is answered 408 and closed once REQUEST_TIMEOUT has passed, writing nothing', async () => {
      const study = await createStudy(h, t.id, 'STALL-1')
      const before = await snapshot(h)
      const { reply, ms } = await stall(port, t.basic, `/api/v1/studies/${study}/subjects`)
      assert.match(reply, /^HTTP\/1\.1 408/)
      assert.ok(ms >= 900 && ms < 4_000, `closed after ${ms} ms`)
      assert.deepEqual(await snapshot(h), before)
      await assertHealthy(h)
    })
  },
  { config: { requestTimeoutMs: 1000 } },
)
