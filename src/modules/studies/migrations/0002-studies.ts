import type { Kysely, Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

export function studies0002(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('studies'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phase', 'text')
        .addColumn('sponsor', 'text')
        .addColumn('compound', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('studies_tenant_protocol', ['tenant_id', 'protocol'])
        .execute()
      await withId(db.schema.createTable('study_sites'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('site_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location_oid', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('study_sites_study_site', ['tenant_id', 'study_id', 'site_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('study_sites').execute()
      await db.schema.dropTable('studies').execute()
    },
  }
}
