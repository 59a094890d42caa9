import { sql, type Kysely, type Migration } from 'kysely'

/**
 * Users gain `version`, their ETag: every change through the admin API bumps it. Until now `credentials_version`
 * served as both, so renaming a user (a new display name or email) bumped it, which the triggers of migration 0007
 * watch, and every instance forgot every cached credential. `credentials_version` now moves only with what
 * authentication depends on (password, active, Basic enabled, lock). Existing users keep their ETags.
 */
export function identity0010(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('users')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute()
      await sql`update users set version = credentials_version`.execute(db)
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('users').dropColumn('version').execute()
    },
  }
}
