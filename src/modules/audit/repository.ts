import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { AuditLogTable } from './tables.js'

export type AuditRow = Selectable<AuditLogTable>

export interface AuditFilter {
  entityType?: string | undefined
  entityId?: string | undefined
  actorUserId?: number | undefined
  action?: string | undefined
  /** ISO instants; `from` inclusive, `to` exclusive. */
  from?: string | undefined
  to?: string | undefined
  /** Only records older than this sequence number (the cursor). */
  beforeSeq?: number | undefined
}

/** Reads the audit trail (writes go through `recordAudit` only). Tenant id first. */
export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Newest first; `limit + 1` rows so the caller can tell whether there is another page. */
  list(tenantId: number, f: AuditFilter, limit: number): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId)
    if (f.entityType !== undefined) q = q.where('entity_type', '=', f.entityType)
    if (f.entityId !== undefined) q = q.where('entity_id', '=', f.entityId)
    if (f.actorUserId !== undefined) q = q.where('actor_user_id', '=', f.actorUserId)
    if (f.action !== undefined) q = q.where('action', '=', f.action)
    if (f.from !== undefined) q = q.where('at', '>=', f.from)
    if (f.to !== undefined) q = q.where('at', '<', f.to)
    if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq)
    return q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute()
  }
}
