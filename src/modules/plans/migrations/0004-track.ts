import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

const TABLES = [
  'plan_lock_tokens',
  'plan_monthly_values',
  'plan_weekly_values',
  'plan_item_locations',
  'plan_costs',
  'plan_major_tasks',
  'plan_providers',
  'plan_locations',
  'plans',
]

export function track0004(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('plans'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('code', 'text')
        .addColumn('description', 'text')
        .addColumn('plan_state', 'text', (c) => c.notNull().defaultTo('Draft'))
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('is_baseline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('plans_tenant_study')
        .on('plans')
        .columns(['tenant_id', 'study_id'])
        .execute()
      await db.schema
        .createIndex('plans_one_baseline_per_study')
        .on('plans')
        .columns(['tenant_id', 'study_id'])
        .unique()
        .where(sql.ref('is_baseline'), '=', 1)
        .execute()
      const planChild = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
          .addColumn('plan_id', ref, (c) => c.notNull().references('plans.id'))
      await planChild('plan_locations')
        .addColumn('location_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('num_sites', 'integer')
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_locations_pk', ['plan_id', 'location_id'])
        .execute()
      await planChild('plan_providers')
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('tracking_level', 'text', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_providers_pk', ['plan_id', 'provider_id'])
        .execute()
      await planChild('plan_major_tasks')
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('task_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('is_tracked_as_percentage', 'integer', (c) => c.notNull())
        .addColumn('tracking_level', 'text', (c) => c.notNull())
        .addColumn('budget', 'text', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_major_tasks_pk', ['plan_id', 'provider_id', 'task_id'])
        .execute()
      await planChild('plan_costs')
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('cost_id', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('ev_tracking_level', 'text', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_costs_pk', ['plan_id', 'provider_id', 'cost_id'])
        .execute()
      await planChild('plan_item_locations')
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.notNull())
        .addColumn('location_id', 'integer', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_item_locations_pk', [
          'plan_id',
          'resource',
          'provider_id',
          'item_id',
          'location_id',
        ])
        .execute()
      await withId(db.schema.createTable('plan_weekly_values'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('plan_id', ref, (c) => c.notNull().references('plans.id'))
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('location_id', 'integer', (c) => c.notNull())
        .addColumn('period_date', 'text', (c) => c.notNull())
        .addColumn('planned_value', 'text', (c) => c.notNull())
        .addColumn('actual_value', 'text')
        .addUniqueConstraint('plan_weekly_values_key', ['plan_id', 'resource', 'location_id', 'period_date'])
        .execute()
      await withId(db.schema.createTable('plan_monthly_values'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('plan_id', ref, (c) => c.notNull().references('plans.id'))
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('provider_id', 'integer', (c) => c.notNull())
        .addColumn('item_id', 'integer', (c) => c.notNull())
        .addColumn('location_id', 'integer', (c) => c.notNull())
        .addColumn('start_date', 'text', (c) => c.notNull())
        .addColumn('end_date', 'text', (c) => c.notNull())
        .addColumn('planned_value', 'text', (c) => c.notNull())
        .addColumn('actual_value', 'text')
        .addColumn('earned_value', 'text')
        .addUniqueConstraint('plan_monthly_values_key', [
          'plan_id',
          'resource',
          'provider_id',
          'item_id',
          'location_id',
          'start_date',
        ])
        .execute()
      await planChild('plan_lock_tokens')
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('lock_token', ref, (c) => c.notNull())
        .addPrimaryKeyConstraint('plan_lock_tokens_pk', ['plan_id', 'resource'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const table of TABLES) await db.schema.dropTable(table).execute()
    },
  }
}
