import type { Kysely, Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

/** Report jobs and their stored output (`0006_reports`; conduct's tables, created under the same key, come first). */
export function reports0006(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('report_jobs'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('token_id', ref)
        .addColumn('report_name', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rows', ref, (c) => c.notNull().defaultTo(0))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error', 'text')
        .addColumn('claimed_by', 'text')
        .addColumn('heartbeat_at', 'text')
        .addColumn('media_type', 'text')
        .addColumn('filename', 'text')
        .addColumn('size_bytes', ref)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('expires_at', 'text')
        .execute()
      await db.schema.createIndex('report_jobs_status').on('report_jobs').columns(['status', 'id']).execute()
      await db.schema
        .createTable('report_job_chunks')
        .addColumn('job_id', ref, (c) => c.notNull().references('report_jobs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('data', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_job_chunks_pk', ['job_id', 'seq'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const t of ['report_job_chunks', 'report_jobs']) {
        await db.schema.dropTable(t).execute()
      }
    },
  }
}
