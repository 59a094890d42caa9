import type { Compilable } from 'kysely'
import type { Database } from '../../../db/database.js'
import type { TenantRow, UserRow } from '../repository.js'

/** What authenticating a Bearer token needs: the token, its user and its tenant code, in one row. */
export interface TokenLookup {
  token_id: number
  tenant_id: number
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  user_id: number
  username: string
  active: number
  credentials_version: number
  tenant_code: string
}

type Lookup<R> = (params: readonly unknown[]) => Promise<R | undefined>

/**
 * A query built once with Kysely and run as a prepared statement: better-sqlite3's `Statement`, or a named
 * PostgreSQL statement. Building and preparing a query costs far more than running it, and these run on every
 * authenticated request. Parameters are given in the order the query's placeholders appear.
 */
export function prepared<R>(
  database: Database,
  name: string,
  query: Compilable,
  rows: 'one' | 'all' = 'one',
): Lookup<R> {
  const { sql } = query.compile()
  const raw = database.raw
  if (raw.kind === 'sqlite') {
    let statement: ReturnType<typeof raw.sqlite.prepare<unknown[]>> | undefined
    return (params) => {
      statement ??= raw.sqlite.prepare(sql)
      return Promise.resolve(
        (rows === 'all' ? statement.all(...params) : statement.get(...params)) as R | undefined,
      )
    }
  }
  return async (params) => {
    const result = await raw.pool.query({ name, text: sql, values: [...params] })
    return (rows === 'all' ? result.rows : result.rows[0]) as R | undefined
  }
}

/** The reads on the authentication hot path, as prepared statements. Tenant id first where there is one. */
export class AuthLookups {
  private readonly token: Lookup<TokenLookup>
  private readonly tenant: Lookup<TenantRow>
  private readonly user: Lookup<UserRow>
  private readonly userInTenant: Lookup<UserRow & { tenant_code: string }>
  private readonly firstTenants: Lookup<TenantRow[]>

  constructor(database: Database) {
    const db = database.db
    this.token = prepared(
      database,
      'td_auth_token_by_hash',
      db
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .innerJoin('tenants as n', 'n.id', 't.tenant_id')
        .select([
          't.id as token_id',
          't.tenant_id',
          't.expires_at',
          't.revoked_at',
          't.last_used_at',
          'u.id as user_id',
          'u.username',
          'u.active',
          'u.credentials_version',
          'n.code as tenant_code',
        ])
        .where('t.secret_hash', '=', '?'),
    )
    this.tenant = prepared(
      database,
      'td_auth_tenant_by_code',
      db.selectFrom('tenants').selectAll().where('code_key', '=', '?'),
    )
    this.user = prepared(
      database,
      'td_auth_user_by_name',
      db.selectFrom('users').selectAll().where('tenant_id', '=', 0).where('username', '=', '?'),
    )
    this.userInTenant = prepared(
      database,
      'td_auth_user_by_tenant_code',
      db
        .selectFrom('users as u')
        .innerJoin('tenants as n', 'n.id', 'u.tenant_id')
        .selectAll('u')
        .select('n.code as tenant_code')
        .where('n.code_key', '=', '?')
        .where('u.username', '=', '?'),
    )
    this.firstTenants = prepared(
      database,
      'td_auth_first_tenants',
      db.selectFrom('tenants').selectAll().orderBy('id').limit(2),
      'all',
    )
  }

  tokenByHash(secretHash: string): Promise<TokenLookup | undefined> {
    return this.token([secretHash])
  }

  tenantByCode(code: string): Promise<TenantRow | undefined> {
    return this.tenant([code.toLowerCase()])
  }

  userByUsername(tenantId: number, username: string): Promise<UserRow | undefined> {
    return this.user([tenantId, username])
  }

  /** The user and its tenant in one query, when the request names its tenant by customerCode. */
  userByTenantCode(code: string, username: string): Promise<(UserRow & { tenant_code: string }) | undefined> {
    return this.userInTenant([code.toLowerCase(), username])
  }

  /** The only tenant, when exactly one exists. */
  async soleTenant(): Promise<TenantRow | undefined> {
    const rows = (await this.firstTenants([2])) ?? []
    return rows.length === 1 ? rows[0] : undefined
  }
}
