import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

export function recruit0005(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('recruit_profiles'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('not-recruiting'))
        .addColumn('public_title', 'text')
        .addColumn('public_description', 'text')
        .addColumn('min_age', 'integer')
        .addColumn('max_age', 'integer')
        .addColumn('sex', 'text')
        .addColumn('min_bmi', 'text')
        .addColumn('max_bmi', 'text')
        .addColumn('healthy_volunteers', 'integer')
        .addColumn('required_answers', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('compensation', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('recruit_profiles_study', ['tenant_id', 'study_id'])
        .execute()
      await withId(db.schema.createTable('recruit_cohorts'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('recruit_cohorts_name', ['tenant_id', 'study_id', 'name'])
        .execute()
      await withId(db.schema.createTable('recruit_questions'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('answer_type', 'text', (c) => c.notNull())
        .addColumn('options', 'text')
        .addColumn('site_id', 'integer')
        .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('recruit_questions_text', ['tenant_id', 'text'])
        .execute()
      await withId(db.schema.createTable('recruit_volunteers'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('first_name', 'text', (c) => c.notNull())
        .addColumn('last_name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        .addColumn('date_of_birth', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('email_key', 'text')
        .addColumn('phone', 'text')
        .addColumn('address_line1', 'text')
        .addColumn('address_line2', 'text')
        .addColumn('city', 'text')
        .addColumn('region', 'text')
        .addColumn('postal_code', 'text')
        .addColumn('country', 'text')
        .addColumn('height_cm', 'text')
        .addColumn('weight_kg', 'text')
        .addColumn('healthy_volunteer', 'integer')
        .addColumn('site_preference_id', 'integer')
        .addColumn('consent_to_contact', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('source', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      // The duplicate check's two lookups, unique so that two racing registrations cannot both get in.
      await db.schema
        .createIndex('recruit_volunteers_email')
        .on('recruit_volunteers')
        .columns(['tenant_id', 'email_key'])
        .unique()
        .execute()
      await db.schema
        .createIndex('recruit_volunteers_name_dob')
        .on('recruit_volunteers')
        .columns(['tenant_id', 'name_key', 'date_of_birth'])
        .unique()
        .execute()
      await db.schema
        .createIndex('recruit_volunteers_site')
        .on('recruit_volunteers')
        .columns(['tenant_id', 'site_preference_id', 'id'])
        .execute()
      await db.schema
        .createTable('recruit_answers')
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('volunteer_id', ref, (c) => c.notNull().references('recruit_volunteers.id'))
        .addColumn('question_id', ref, (c) => c.notNull().references('recruit_questions.id'))
        .addColumn('answer', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('recruit_answers_pk', ['volunteer_id', 'question_id'])
        .execute()
      await withId(db.schema.createTable('recruit_slots'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('site_id', 'integer', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addCheckConstraint('recruit_slots_capacity', sql`booked >= 0 and booked <= capacity`)
        .execute()
      await db.schema
        .createIndex('recruit_slots_study')
        .on('recruit_slots')
        .columns(['tenant_id', 'study_id', 'starts_at'])
        .execute()
      await withId(db.schema.createTable('recruit_bookings'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('slot_id', ref, (c) => c.notNull().references('recruit_slots.id'))
        .addColumn('volunteer_id', ref, (c) => c.notNull().references('recruit_volunteers.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('booked_at', 'text', (c) => c.notNull())
        .addColumn('cancelled_at', 'text')
        .addColumn('cancel_reason', 'text')
        .execute()
      // At most one active appointment per volunteer per study, enforced by the database.
      await sql`create unique index recruit_bookings_active on recruit_bookings (tenant_id, volunteer_id, study_id) where status = 'booked'`.execute(
        db,
      )
      await db.schema
        .createIndex('recruit_bookings_volunteer')
        .on('recruit_bookings')
        .columns(['tenant_id', 'volunteer_id'])
        .execute()
      await db.schema
        .createIndex('recruit_bookings_slot')
        .on('recruit_bookings')
        .columns(['tenant_id', 'slot_id'])
        .execute()
      await withId(db.schema.createTable('recruit_interests'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('volunteer_id', ref, (c) => c.notNull().references('recruit_volunteers.id'))
        .addColumn('study_id', ref, (c) => c.notNull().references('studies.id'))
        .addColumn('cohort_id', ref, (c) => c.references('recruit_cohorts.id'))
        .addColumn('source', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('recruit_interests_volunteer')
        .on('recruit_interests')
        .columns(['tenant_id', 'volunteer_id'])
        .execute()
      await db.schema
        .createTable('recruit_staff_sites')
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('site_id', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('recruit_staff_sites_pk', ['user_id', 'site_id'])
        .execute()
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        'recruit_staff_sites',
        'recruit_interests',
        'recruit_bookings',
        'recruit_slots',
        'recruit_answers',
        'recruit_volunteers',
        'recruit_questions',
        'recruit_cohorts',
        'recruit_profiles',
      ]) {
        await db.schema.dropTable(t).execute()
      }
    },
  }
}
