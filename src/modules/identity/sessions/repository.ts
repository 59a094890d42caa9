import type { Kysely } from 'kysely'
import type { Database } from '../../../db/database.js'
import type { DB } from '../../../db/schema.js'
import { prepared } from '../auth/lookups.js'

/** What authenticating a session cookie needs: the session, its user and its tenant code, in one row. */
export interface SessionLookup {
  session_id: number
  tenant_id: number
  user_id: number
  created_at: string
  last_seen_at: string
  expires_at: string
  username: string
  active: number
  locked_until: string | null
  must_change_password: number
  tenant_code: string
}

/** SQL for browser sessions. Every write takes the tenant id first. */
export class SessionRepository {
  private readonly byHash: (params: readonly unknown[]) => Promise<SessionLookup | undefined>

  constructor(
    database: Database,
    private readonly db: Kysely<DB> = database.db,
  ) {
    // Run on every cookie-authenticated request: a prepared statement, as the other lookups on that path.
    this.byHash = prepared(
      database,
      'td_auth_session_by_hash',
      db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .innerJoin('tenants as n', 'n.id', 's.tenant_id')
        .select([
          's.id as session_id',
          's.tenant_id',
          's.user_id',
          's.created_at',
          's.last_seen_at',
          's.expires_at',
          'u.username',
          'u.active',
          'u.locked_until',
          'u.must_change_password',
          'n.code as tenant_code',
        ])
        .where('s.secret_hash', '=', '?'),
    )
  }

  lookup(secretHash: string): Promise<SessionLookup | undefined> {
    return this.byHash([secretHash])
  }

  async insert(
    db: Kysely<DB>,
    tenantId: number,
    userId: number,
    secretHash: string,
    now: string,
    expiresAt: string,
  ): Promise<number> {
    const row = await db
      .insertInto('sessions')
      .values({
        tenant_id: tenantId,
        user_id: userId,
        secret_hash: secretHash,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('users')
      .set({ last_login_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .execute()
    return row.id
  }

  async touch(tenantId: number, sessionId: number, now: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', sessionId)
      .execute()
  }

  /** Ends one session; true when it was still there. */
  async delete(db: Kysely<DB>, tenantId: number, sessionId: number): Promise<boolean> {
    const result = await db
      .deleteFrom('sessions')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', sessionId)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  /** Ends every session of the user but `keep` (if given); how many ended. */
  async deleteOfUser(db: Kysely<DB>, tenantId: number, userId: number, keep?: number): Promise<number> {
    let q = db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId)
    if (keep !== undefined) q = q.where('id', '!=', keep)
    const result = await q.executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Deletes sessions past either expiry (swept now and then; an expired one never authenticates anyway). */
  async deleteExpired(now: string, idleBefore: string): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)]))
      .execute()
  }
}
