import type { Kysely, Migration } from 'kysely'

/**
 * Custom roles become editable (`PATCH /api/v1/admin/roles/{roleId}`): each role gains a `version`, bumped by
 * every change, which is its ETag and the condition of the optimistic update (a stale `If-Match` changes nothing).
 */
export function identity0011(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('roles')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('roles').dropColumn('version').execute()
    },
  }
}
