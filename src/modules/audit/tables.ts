import type { Generated } from 'kysely'

/** The audit trail: one hash chain per tenant (see `service.ts`). Created by identity's first migration. */
export interface AuditLogTable {
  id: Generated<number>
  tenant_id: number
  /** Position in the tenant's chain, from 1. */
  seq: number
  at: string
  actor_kind: string
  actor_user_id: number | null
  actor_token_id: number | null
  action: string
  entity_type: string
  entity_id: string | null
  before: string | null
  after: string | null
  reason: string | null
  request_id: string | null
  prev_hash: string | null
  hash: string
}

export interface AuditTables {
  audit_log: AuditLogTable
}

declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends AuditTables {}
}
