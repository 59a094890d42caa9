import type { Kysely } from 'kysely'
import type { Database } from '../../../db/database.js'
import type { DB } from '../../../db/schema.js'
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

/**
 * The reads of authentication. They run when a credential is not in the Authenticator's cache (its first use,
 * after the credentials epoch moved, or once a minute for Basic), so they are ordinary Kysely queries. Tenant id
 * first where there is one.
 */
export class AuthLookups {
  private readonly db: Kysely<DB>

  constructor(database: Database) {
    this.db = database.db
  }

  tokenByHash(secretHash: string): Promise<TokenLookup | undefined> {
    return this.db
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
      .where('t.secret_hash', '=', secretHash)
      .executeTakeFirst()
  }

  tenantByCode(code: string): Promise<TenantRow | undefined> {
    return this.db
      .selectFrom('tenants')
      .selectAll()
      .where('code_key', '=', code.toLowerCase())
      .executeTakeFirst()
  }

  userByUsername(tenantId: number, username: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username)
      .executeTakeFirst()
  }

  /** The only tenant, when exactly one exists. */
  async soleTenant(): Promise<TenantRow | undefined> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('id').limit(2).execute()
    return rows.length === 1 ? rows[0] : undefined
  }
}
