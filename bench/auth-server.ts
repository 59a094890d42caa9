/**
 * The server `bench/auth.ts` measures, in a process of its own so the load generator does not share its CPU
 * time, and compiled (see built.ts). Prints one JSON line with the port and credentials once it listens.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ModulePlugin } from '../src/modules/index.js'
import type { Me } from '../src/modules/identity/schemas.js'
import { built } from './built.js'

// The compiled server, as `trialdeck serve` runs it (bench/auth.ts builds it first).
const { buildApp } = await built<typeof import('../src/app.js')>('app.js')
const { listen } = await built<typeof import('../src/server.js')>('server.js')
const { loadConfig } = await built<typeof import('../src/config.js')>('config.js')
const { openMigratedDatabase } = await built<typeof import('../src/migrations.js')>('migrations.js')
const { systemActor } =
  await built<typeof import('../src/modules/audit/service.js')>('modules/audit/service.js')
const { IdentityService } = await built<typeof import('../src/modules/identity/service.js')>(
  'modules/identity/service.js',
)
const { MeSchema } = await built<typeof import('../src/modules/identity/schemas.js')>(
  'modules/identity/schemas.js',
)

const url =
  process.env.BENCH_DATABASE_URL ?? `sqlite:${join(mkdtempSync(join(tmpdir(), 'td-bench-')), 'bench.db')}`
const database = await openMigratedDatabase(url)
const service = new IdentityService(database.db)
const code = `BENCH${Date.now()}`
const tenant = await service.createTenant(code, 'Benchmark')
const password = 'bench-password'
const user = await service.createUser(
  tenant.id,
  { username: 'bench', password, basicAuthEnabled: true, roles: ['api-integrator'] },
  systemActor(tenant.id),
)
const token = await service.createToken(tenant.id, user.id, { name: 'bench' }, systemActor(tenant.id))
const actions = [...(await service.repo.actionsOfUser(tenant.id, user.id))].sort()

/** The baseline: the same body /api/v1/me returns, with the same schema, on a route without authentication. */
const body = {
  tenant: { id: tenant.id, code },
  user: { id: user.id, username: 'bench' },
  actions,
  authenticatedVia: 'basic',
} as Me
const publicMe: ModulePlugin = async (app) => {
  app.get(
    '/api/v1/bench/me',
    { config: { action: 'public' }, schema: { hide: true, response: { 200: MeSchema } } },
    async () => body,
  )
}

const config = loadConfig(process.env, { logLevel: 'silent', port: 0, rateLimitMax: 1_000_000_000 })
const app = await buildApp(config, { database, plugins: [publicMe] })
await listen(app, { port: 0, host: '127.0.0.1' }) // as `trialdeck serve` does
const address = app.server.address()
const port = typeof address === 'object' && address ? address.port : 0
const { rateLimitFields } = config
console.log(JSON.stringify({ port, code, username: 'bench', password, token: token.secret, rateLimitFields }))
// Each line on stdin asks for the CPU time this process has used so far (µs), so the bench can tell how much
// server CPU a request costs, which machine load does not distort the way it distorts requests per second.
process.stdin.setEncoding('utf8')
process.stdin.on('data', () => {
  const { user, system } = process.cpuUsage()
  console.log(JSON.stringify({ cpu: user + system }))
})
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0))
})
