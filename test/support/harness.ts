import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe } from 'node:test'
import { buildApp, type App, type BuildOptions } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import type { Database } from '../../src/db/database.js'
import { openMigratedDatabase } from '../../src/migrations.js'
import { systemActor } from '../../src/modules/audit/service.js'
import type { RoleAction } from '../../src/modules/identity/actions.js'
import { IdentityService } from '../../src/modules/identity/service.js'
import type { ModulePlugin } from '../../src/modules/index.js'
import { checkConformance } from './conformance.js'
import { dropSchema, testSchemaName } from './pg-schema.js'

export interface TestDatabase {
  name: 'sqlite' | 'postgres'
  open(): Promise<Database>
  dispose(): Promise<void>
}

/** A fresh SQLite file in a temporary folder. */
function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'trialdeck-test-'))
  return {
    name: 'sqlite',
    open: () => openMigratedDatabase(`sqlite:${join(dir, 'test.db')}`),
    dispose: () => {
      rmSync(dir, { recursive: true, force: true })
      return Promise.resolve()
    },
  }
}

/** A schema of its own on the PostgreSQL server TEST_DATABASE_URL names, dropped afterwards. */
function postgresDatabase(url: string): TestDatabase {
  const schema = testSchemaName('td_test')
  return {
    name: 'postgres',
    open: () => openMigratedDatabase(url, { schema, poolSize: 20 }),
    dispose: () => dropSchema(url, schema),
  }
}

/** The databases every storage test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDatabases(): TestDatabase[] {
  const url = process.env.TEST_DATABASE_URL
  return [sqliteDatabase(), ...(url ? [postgresDatabase(url)] : [])]
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:', ...overrides })
}

/**
 * `buildApp` for tests: the same app, with every response checked against the app's OpenAPI document
 * (`conformance.ts`); a response it does not declare makes `app.close()` fail.
 */
export async function buildTestApp(config: Config, options: BuildOptions = {}): Promise<App> {
  const app = await buildApp(config, options)
  checkConformance(app)
  return app
}

export interface Harness {
  readonly dialect: 'sqlite' | 'postgres'
  readonly app: App
  readonly database: Database
}

/**
 * Runs `suite` once per test database, each with an app built on a fresh, migrated database.
 * Tests create their own tenants (`createTenant`), so they never depend on each other's data.
 */
export function onEveryDatabase(
  title: string,
  suite: (h: Harness) => void,
  options: { config?: Partial<Config>; plugins?: readonly ModulePlugin[] } = {},
): void {
  for (const target of testDatabases()) {
    void describe(`${title} [${target.name}]`, () => {
      let database: Database | undefined
      let app: App | undefined
      const h: Harness = {
        dialect: target.name,
        get app() {
          if (!app) throw new Error('app not built yet')
          return app
        },
        get database() {
          if (!database) throw new Error('database not open yet')
          return database
        },
      }
      before(async () => {
        database = await target.open()
        app = await buildTestApp(testConfig(options.config), { database, plugins: options.plugins ?? [] })
        await app.ready()
      })
      after(async () => {
        try {
          await app?.close()
        } finally {
          await database?.close()
          await target.dispose()
        }
      })
      suite(h)
    })
  }
}

export interface TestTenant {
  id: number
  code: string
  userId: number
  username: string
  password: string
  token: string
  /** Authorization headers (with customerCode) for the tenant's user. */
  basic: Record<string, string>
  bearer: Record<string, string>
  service: IdentityService
}

let counter = 0

/** A new tenant with one user holding exactly `actions` (default: all of them via administrator). */
export async function createTenant(
  h: Harness,
  options: { actions?: readonly RoleAction[]; roles?: readonly string[]; basicAuth?: boolean } = {},
): Promise<TestTenant> {
  const db = h.database.db
  const service = new IdentityService(db)
  const code = `T${process.pid}x${++counter}${randomBytes(3).toString('hex')}`
  const tenant = await service.createTenant(code, `Test tenant ${code}`)
  const tenantId = tenant.id
  let roles = options.roles ?? ['administrator']
  if (options.actions) {
    const now = new Date().toISOString()
    const role = await db
      .insertInto('roles')
      .values({ tenant_id: tenantId, name: 'test-role', description: null, built_in: 0, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (options.actions.length > 0) {
      await db
        .insertInto('role_actions')
        .values(options.actions.map((action) => ({ role_id: role.id, action })))
        .execute()
    }
    roles = ['test-role']
  }
  const username = 'tester'
  const password = `pw-${randomBytes(6).toString('hex')}`
  const user = await service.createUser(
    tenantId,
    { username, password, roles: [...roles], basicAuthEnabled: options.basicAuth ?? true },
    systemActor(tenantId),
  )
  const token = await service.createToken(tenantId, user.id, { name: 'test' }, systemActor(tenantId))
  return {
    id: tenantId,
    code,
    userId: user.id,
    username,
    password,
    token: token.secret,
    basic: {
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      customercode: code,
    },
    bearer: { authorization: `Bearer ${token.secret}` },
    service,
  }
}
