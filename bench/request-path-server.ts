/**
 * The servers `bench/request-path.ts` measures, compiled (see built.ts), each in a process of its own:
 *
 *   request-path-server.ts trialdeck   Trialdeck as `trialdeck serve` runs it (the default configuration, logs at
 *                                      the default level on stdout), on a fresh SQLite file with the demo data set
 *   request-path-server.ts baseline    a bare fastify route and a raw `node:http` server, on two ports
 *
 * They talk to the bench over the IPC channel: each sends `{ ready: … }` once it listens, and answers `'cpu'` with
 * the CPU time it has used so far (µs). The baseline waits for `{ track: { body, contentType } }` first: the bytes
 * Trialdeck answered for the Track GET, which its raw server then sends.
 */
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { built } from './built.js'

const send = (message: unknown) => process.send?.(message)
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    send({ cpu: user + system })
  }
})
const portOf = (server: Server) => (server.address() as AddressInfo).port

async function trialdeck(): Promise<void> {
  const { buildApp } = await built<typeof import('../src/app.js')>('app.js')
  const { listen } = await built<typeof import('../src/server.js')>('server.js')
  const { loadConfig } = await built<typeof import('../src/config.js')>('config.js')
  const { openMigratedDatabase } = await built<typeof import('../src/migrations.js')>('migrations.js')
  const { seedDemo } = await built<typeof import('../src/seed/demo.js')>('seed/demo.js')
  const { systemActor } =
    await built<typeof import('../src/modules/audit/service.js')>('modules/audit/service.js')
  const { IdentityService } = await built<typeof import('../src/modules/identity/service.js')>(
    'modules/identity/service.js',
  )
  const dir = mkdtempSync(join(tmpdir(), 'td-request-path-'))
  const url = `sqlite:${join(dir, 'bench.db')}`
  const database = await openMigratedDatabase(url)
  await seedDemo(database.db)
  const identity = new IdentityService(database.db)
  const tenant = await identity.repo.findTenantByCode('DEMO')
  const user = tenant && (await identity.repo.findUserByUsername(tenant.id, 'demo'))
  if (!tenant || !user) throw new Error('the demo data set has no user demo')
  const token = await identity.createToken(tenant.id, user.id, { name: 'bench' }, systemActor(tenant.id))
  // The configuration `trialdeck serve` would have from this environment; only the rate limit is raised, so that
  // the bench's hundreds of thousands of requests per minute are counted (as every request is) but not refused.
  const config = loadConfig(process.env, { port: 0, databaseUrl: url, rateLimitMax: 1_000_000_000 })
  const app = await buildApp(config, { database })
  await listen(app, { port: 0, host: '127.0.0.1' }) // as `trialdeck serve` does
  send({ ready: { port: portOf(app.server), token: token.secret, logLevel: config.logLevel } })
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0))
  })
}

async function baseline(): Promise<void> {
  const track = await new Promise<{ body: string; contentType: string }>((resolve) => {
    process.on('message', (m: { track?: { body: string; contentType: string } }) => {
      if (m.track) resolve(m.track)
    })
  })
  // (a) fastify with its defaults and the route /healthz is: same path, same response schema, same body.
  const bare = Fastify()
  bare.get(
    '/healthz',
    { schema: { response: { 200: Type.Object({ status: Type.String() }) } } },
    async () => ({ status: 'ok' }),
  )
  await bare.listen({ port: 0, host: '127.0.0.1' })
  // (c) node:http sending the Track GET's bytes, with the headers a JSON answer needs.
  const bytes = Buffer.from(track.body)
  const raw = createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': track.contentType, 'content-length': bytes.length })
    res.end(bytes)
  })
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve))
  send({ ready: { fastify: portOf(bare.server), raw: portOf(raw) } })
  process.on('SIGTERM', () => process.exit(0))
}

await (process.argv[2] === 'baseline' ? baseline() : trialdeck())
