import type { Kysely, Migration } from 'kysely'

/** "My recent jobs" reads a user's jobs newest first: an index range instead of a scan of every tenant's jobs. */
export function reports0009(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('report_jobs_by_user')
        .on('report_jobs')
        .columns(['tenant_id', 'user_id', 'id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('report_jobs_by_user').execute()
    },
  }
}
