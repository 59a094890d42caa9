import type { Kysely, Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'
import { idType, withId } from '../../../db/columns.js'

export function identity0001(dialect: Dialect): Migration {
  const ref = idType(dialect)
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('tenants'), dialect)
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('code_key', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('audit_seq', ref, (c) => c.notNull().defaultTo(0))
        .addColumn('audit_head', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await withId(db.schema.createTable('users'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text')
        .addColumn('email', 'text')
        .addColumn('password_hash', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('basic_auth_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .addColumn('credentials_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_tenant_username', ['tenant_id', 'username'])
        .execute()
      await withId(db.schema.createTable('roles'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('built_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('roles_tenant_name', ['tenant_id', 'name'])
        .execute()
      await db.schema
        .createTable('role_actions')
        .addColumn('role_id', ref, (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('action', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_actions_pk', ['role_id', 'action'])
        .execute()
      await db.schema
        .createTable('user_roles')
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('role_id', ref, (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
        .execute()
      await db.schema.createIndex('user_roles_role').on('user_roles').column('role_id').execute()
      await withId(db.schema.createTable('api_tokens'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('user_id', ref, (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute()
      await db.schema
        .createIndex('api_tokens_user')
        .on('api_tokens')
        .columns(['tenant_id', 'user_id'])
        .execute()
      await withId(db.schema.createTable('audit_log'), dialect)
        .addColumn('tenant_id', ref, (c) => c.notNull().references('tenants.id'))
        .addColumn('seq', ref, (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_user_id', ref)
        .addColumn('actor_token_id', ref)
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('reason', 'text')
        .addColumn('request_id', 'text')
        .addColumn('prev_hash', 'text')
        .addColumn('hash', 'text', (c) => c.notNull())
        .addUniqueConstraint('audit_log_tenant_seq', ['tenant_id', 'seq'])
        .execute()
      await db.schema
        .createIndex('audit_log_entity')
        .on('audit_log')
        .columns(['tenant_id', 'entity_type', 'entity_id'])
        .execute()
      await db.schema
        .createIndex('audit_log_actor')
        .on('audit_log')
        .columns(['tenant_id', 'actor_user_id'])
        .execute()
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['tenant_id', 'at']).execute()
    },
    async down(db: Kysely<unknown>) {
      for (const t of [
        'audit_log',
        'api_tokens',
        'user_roles',
        'role_actions',
        'roles',
        'users',
        'tenants',
      ]) {
        await db.schema.dropTable(t).execute()
      }
    },
  }
}
