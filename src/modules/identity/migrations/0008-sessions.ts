import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

/**
 * Browser sessions (the web app): only the SHA-256 of a session id is stored, in the database, so that any
 * instance serves any session. Users gain `must_change_password` (set when an administrator sets the password)
 * and `last_login_at` (the last successful sign-in). The new role action `admin.tenant.manage` (tenant settings
 * over HTTP) is given to every tenant's built-in administrator role, which holds every action.
 */
export function identity0008(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('sessions'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('sessions_user').on('sessions').columns(['tenant_id', 'user_id']).execute()
      await db.schema
        .alterTable('users')
        .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
        .execute()
      await db.schema.alterTable('users').addColumn('last_login_at', 'text').execute()
      await sql`insert into role_actions (role_id, action)
                select id, 'admin.tenant.manage' from roles where built_in = 1 and name = 'administrator'`.execute(
        db,
      )
    },
    async down(db: Kysely<unknown>) {
      await sql`delete from role_actions where action = 'admin.tenant.manage'`.execute(db)
      await db.schema.dropTable('sessions').execute()
      await db.schema.alterTable('users').dropColumn('last_login_at').execute()
      await db.schema.alterTable('users').dropColumn('must_change_password').execute()
    },
  }
}
