import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openMigratedDatabase } from '../../src/db/database.js';
import { systemActor } from '../../src/modules/audit/service.js';
import { IdentityService } from '../../src/modules/identity/service.js';
/** A fresh SQLite file in a temporary folder. */
function sqliteDatabase() {
    const dir = mkdtempSync(join(tmpdir(), 'trialdeck-test-'));
    return {
        name: 'sqlite',
        open: () => openMigratedDatabase(`sqlite:${join(dir, 'test.db')}`),
        dispose: () => {
            rmSync(dir, { recursive: true, force: true });
            return Promise.resolve();
        },
    };
}
/** A schema of its own on the PostgreSQL server TEST_DATABASE_URL names, dropped afterwards. */
function postgresDatabase(url) {
    const schema = `td_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    return {
        name: 'postgres',
        open: () => openMigratedDatabase(url, { schema, poolSize: 20 }),
        dispose: async () => {
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            try {
                await client.query(`drop schema if exists ${schema} cascade`);
            }
            finally {
                await client.end();
            }
        },
    };
}
/** The databases every storage test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDatabases() {
    const url = process.env.TEST_DATABASE_URL;
    return [sqliteDatabase(), ...(url ? [postgresDatabase(url)] : [])];
}
export function testConfig(overrides = {}) {
    return loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:', ...overrides });
}
/**
 * Runs `suite` once per test database, each with an app built on a fresh, migrated database.
 * Tests create their own tenants (`createTenant`), so they never depend on each other's data.
 */
export function onEveryDatabase(title, suite, options = {}) {
    for (const target of testDatabases()) {
        void describe(`${title} [${target.name}]`, () => {
            let database;
            let app;
            const h = {
                dialect: target.name,
                get app() {
                    if (!app)
                        throw new Error('app not built yet');
                    return app;
                },
                get database() {
                    if (!database)
                        throw new Error('database not open yet');
                    return database;
                },
            };
            before(async () => {
                database = await target.open();
                app = await buildApp(testConfig(options.config), { database, plugins: options.plugins ?? [] });
                await app.ready();
            });
            after(async () => {
                await app?.close();
                await database?.close();
                await target.dispose();
            });
            suite(h);
        });
    }
}
let counter = 0;
/** A new tenant with one user holding exactly `actions` (default: all of them via administrator). */
export async function createTenant(h, options = {}) {
    const db = h.database.db;
    const service = new IdentityService(db);
    const code = `T${process.pid}x${++counter}${randomBytes(3).toString('hex')}`;
    const tenant = await service.createTenant(code, `Test tenant ${code}`);
    const tenantId = tenant.id;
    let roles = options.roles ?? ['administrator'];
    if (options.actions) {
        const now = new Date().toISOString();
        const role = await db
            .insertInto('roles')
            .values({ tenant_id: tenantId, name: 'test-role', description: null, built_in: 0, created_at: now })
            .returning('id')
            .executeTakeFirstOrThrow();
        if (options.actions.length > 0) {
            await db
                .insertInto('role_actions')
                .values(options.actions.map((action) => ({ role_id: role.id, action })))
                .execute();
        }
        roles = ['test-role'];
    }
    const username = 'tester';
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const user = await service.createUser(tenantId, { username, password, roles, basicAuthEnabled: options.basicAuth ?? true }, systemActor(tenantId));
    const token = await service.createToken(tenantId, user.id, { name: 'test' }, systemActor(tenantId));
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
    };
}
//# sourceMappingURL=harness.js.map