import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from '../../../db/database.js'

/** The channel PostgreSQL triggers notify; the payload is the schema, so deployments on one server keep apart. */
export const CREDENTIALS_CHANNEL = 'trialdeck_credentials'

/**
 * Which writes can change what a cached authentication result says: a user's password, flags, lock, version or
 * name; a token's revocation or expiry; role grants and role actions; tenants appearing or being renamed (the
 * tenant a request resolves to). `last_used_at`, `failed_logins` and the audit head are left out on purpose:
 * they change on ordinary requests and must not flush every instance's cache.
 */
const WATCHED: { name: string; event: string; table: string; columns?: readonly string[] }[] = [
  {
    name: 'users_update',
    event: 'update',
    table: 'users',
    columns: [
      'password_hash',
      'active',
      'basic_auth_enabled',
      'locked_until',
      'credentials_version',
      'username',
      'tenant_id',
    ],
  },
  { name: 'users_delete', event: 'delete', table: 'users' },
  {
    name: 'tokens_update',
    event: 'update',
    table: 'api_tokens',
    columns: ['revoked_at', 'expires_at', 'user_id', 'tenant_id', 'secret_hash'],
  },
  { name: 'tokens_delete', event: 'delete', table: 'api_tokens' },
  { name: 'user_roles_insert', event: 'insert', table: 'user_roles' },
  { name: 'user_roles_delete', event: 'delete', table: 'user_roles' },
  { name: 'role_actions_insert', event: 'insert', table: 'role_actions' },
  { name: 'role_actions_delete', event: 'delete', table: 'role_actions' },
  { name: 'tenants_insert', event: 'insert', table: 'tenants' },
  { name: 'tenants_update', event: 'update', table: 'tenants', columns: ['code_key'] },
]

/** "Any of these columns changed", as a trigger's condition (SQLite spells "is distinct from" as "is not"). */
function anyChanged(dialect: Dialect, columns: readonly string[]): string {
  const differs = dialect === 'sqlite' ? 'is not' : 'is distinct from'
  return columns.map((c) => `old.${c} ${differs} new.${c}`).join(' or ')
}

/**
 * A credentials epoch that every instance can watch, so that authentication results can be cached without a
 * query per request and still be void on the next request once something they depend on changes — whichever
 * instance, CLI or hand-written SQL made the change. SQLite: triggers bump a one-row counter (instances notice a
 * commit by another connection through `PRAGMA data_version`, then read it). PostgreSQL: triggers NOTIFY.
 */
export function identity0007(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') {
        await db.schema
          .createTable('credentials_epoch')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('value', 'integer', (c) => c.notNull())
          .execute()
        await sql`insert into credentials_epoch (id, value) values (1, 1)`.execute(db)
        for (const t of WATCHED) {
          const when = t.columns === undefined ? '' : `when ${anyChanged(dialect, t.columns)}`
          await sql
            .raw(
              `create trigger credentials_${t.name} after ${t.event} on ${t.table} ${when}
               begin update credentials_epoch set value = value + 1 where id = 1; end`,
            )
            .execute(db)
        }
        return
      }
      await sql
        .raw(
          `create function trialdeck_credentials_changed() returns trigger language plpgsql as $$
           begin perform pg_notify('${CREDENTIALS_CHANNEL}', current_schema()); return null; end $$`,
        )
        .execute(db)
      for (const t of WATCHED) {
        const when = t.columns === undefined ? '' : `when (${anyChanged(dialect, t.columns)})`
        // Row triggers where a WHEN needs old/new; statement triggers otherwise (one notification per statement).
        const each = t.columns === undefined ? 'statement' : 'row'
        await sql
          .raw(
            `create trigger credentials_${t.name} after ${t.event} on ${t.table} for each ${each} ${when}
             execute function trialdeck_credentials_changed()`,
          )
          .execute(db)
      }
    },
    async down(db: Kysely<unknown>) {
      for (const t of WATCHED) {
        await sql
          .raw(
            `drop trigger if exists credentials_${t.name}${dialect === 'postgres' ? ` on ${t.table}` : ''}`,
          )
          .execute(db)
      }
      if (dialect === 'sqlite') await db.schema.dropTable('credentials_epoch').execute()
      else await sql`drop function if exists trialdeck_credentials_changed()`.execute(db)
    },
  }
}
