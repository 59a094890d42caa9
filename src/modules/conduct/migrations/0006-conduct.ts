import type { Kysely, Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

/**
 * Study conduct data (subjects, schedule, items, observations) and restricted studies. Stored under the key
 * `0006_reports`, the migration that created them before conduct owned its tables: databases migrated then are not
 * migrated again. Reports' part of the same key runs after this one (see `src/migrations.ts`).
 */
export function conduct0006(dialect: Dialect): Migration {
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
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
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
