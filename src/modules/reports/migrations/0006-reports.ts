import type { Kysely, Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

/** Study conduct data (subjects, schedule, items, observations), restricted studies and report jobs. */
export function reports0006(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('study_subjects'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('subject_number', 'text', (c) => c.notNull())
        .addColumn('site_id', 'integer')
        .addColumn('cohort', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('enrolled_on', 'text')
        .addColumn('randomised_on', 'text')
        .addColumn('volunteer_id', ref)
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('study_subjects_number', ['tenant_id', 'study_id', 'subject_number'])
        .execute()
      await withId(db.schema.createTable('study_timepoints'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('study_day', 'integer', (c) => c.notNull())
        .addColumn('offset_minutes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('study_timepoints_name', ['tenant_id', 'study_id', 'name'])
        .execute()
      await withId(db.schema.createTable('data_items'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('data_type', 'text', (c) => c.notNull())
        .addColumn('unit', 'text')
        .addColumn('form', 'text', (c) => c.notNull())
        .addColumn('item_group', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('data_items_code', ['tenant_id', 'study_id', 'code'])
        .execute()
      await withId(db.schema.createTable('observations'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('subject_id', ref, (c) => c.notNull().references('study_subjects.id'))
        .addColumn('timepoint_id', ref, (c) => c.notNull().references('study_timepoints.id'))
        .addColumn('item_id', ref, (c) => c.notNull().references('data_items.id'))
        .addColumn('value', 'text')
        .addColumn('unit', 'text')
        .addColumn('collected_at', 'text')
        .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      // Reports read a study subject by subject in this order: narrowing by subjects is an index range per subject.
      await db.schema
        .createIndex('observations_by_subject')
        .on('observations')
        .columns(['tenant_id', 'study_id', 'subject_id', 'timepoint_id', 'item_id'])
        .unique()
        .execute()
      // Narrowing by timepoints alone.
      await db.schema
        .createIndex('observations_by_timepoint')
        .on('observations')
        .columns(['tenant_id', 'study_id', 'timepoint_id', 'subject_id'])
        .execute()
      await db.schema
        .createTable('user_study_access')
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_study_access_pk', ['user_id', 'study_id'])
        .execute()
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
      for (const t of [
        'report_job_chunks',
        'report_jobs',
        'user_study_access',
        'observations',
        'data_items',
        'study_timepoints',
        'study_subjects',
      ]) {
        await db.schema.dropTable(t).execute()
      }
    },
  }
}
