import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import { sha256Hex } from '../identity/secrets.js'
import { ErrorList } from '../../errors.js'
import { decodeCursor, limitOf, pageOf, type Page } from '../../http/pagination.js'
import { AuditRepository, type AuditRow } from './repository.js'
import type { AuditQuery, AuditRecord } from './schemas.js'

import type { Actor } from '../../http/principal.js'
import type { AuditLogTable } from './tables.js'

export type { Actor }

export interface AuditEntry {
  action: string
  entityType: string
  entityId: string | number | null
  before?: unknown
  after?: unknown
  reason?: string | null
}

export function systemActor(tenantId: number): Actor {
  return { tenantId, kind: 'system', userId: null, tokenId: null, requestId: null }
}

/** Every column of a record except its id and the hash itself: what the hash covers. */
type HashedFields = Omit<Selectable<AuditLogTable>, 'id' | 'hash'>

/** The hash that chains a record to its predecessor; any change to a hashed field breaks the chain. */
function auditHash(r: HashedFields): string {
  return sha256Hex(
    JSON.stringify([
      r.tenant_id,
      r.seq,
      r.at,
      r.actor_kind,
      r.actor_user_id === null ? null : r.actor_user_id,
      r.actor_token_id === null ? null : r.actor_token_id,
      r.action,
      r.entity_type,
      r.entity_id,
      r.before,
      r.after,
      r.reason,
      r.request_id,
      r.prev_hash,
    ]),
  )
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v))

/**
 * Appends to the tenant's audit chain. Call it with the transaction that makes the change, so the record and
 * the change commit together. Taking the next sequence number locks the tenant's chain head row until commit,
 * so concurrent writers append one after another and the chain never forks.
 */
export async function recordAudit(db: Kysely<DB>, actor: Actor, entry: AuditEntry): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordAudit(trx, actor, entry))
    return
  }
  const trx = db
  const head = await trx
    .updateTable('tenants')
    .set((eb) => ({ audit_seq: eb('audit_seq', '+', 1) }))
    .where('id', '=', actor.tenantId)
    .returning(['audit_seq', 'audit_head'])
    .executeTakeFirstOrThrow()
  const row: HashedFields = {
    tenant_id: actor.tenantId,
    seq: head.audit_seq,
    at: new Date().toISOString(),
    actor_kind: actor.kind,
    actor_user_id: actor.userId,
    actor_token_id: actor.tokenId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId === null ? null : String(entry.entityId),
    before: json(entry.before),
    after: json(entry.after),
    reason: entry.reason ?? null,
    request_id: actor.requestId,
    prev_hash: head.audit_head,
  }
  const hash = auditHash(row)
  await trx
    .insertInto('audit_log')
    .values({ ...row, hash })
    .execute()
  await trx.updateTable('tenants').set({ audit_head: hash }).where('id', '=', actor.tenantId).execute()
}

export interface ChainBreak {
  tenantId: number
  seq: number
  id: number
  problem: string
}

interface ChainHead {
  id: number
  audit_seq: number
  audit_head: string | null
}

/** Walks one tenant's chain in order: how many records were checked, and the first broken one (or null). */
async function verifyChain(
  db: Kysely<DB>,
  tenant: ChainHead,
): Promise<{ checked: number; broken: ChainBreak | null }> {
  let prev: string | null = null
  let expectedSeq = 1
  let lastId = 0
  let checked = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.id)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(1000)
      .execute()
    if (rows.length === 0) break
    for (const r of rows) {
      checked++
      const seq = r.seq
      const problem =
        seq !== expectedSeq
          ? `record ${expectedSeq} is missing`
          : r.prev_hash !== prev
            ? 'its prev_hash does not match the record before it'
            : auditHash(r) !== r.hash
              ? 'its content does not match its hash'
              : null
      if (problem) return { checked, broken: { tenantId: tenant.id, seq, id: r.id, problem } }
      prev = r.hash
      lastId = r.id
      expectedSeq++
    }
  }
  if (expectedSeq - 1 !== tenant.audit_seq || prev !== tenant.audit_head) {
    const problem = 'records after this one were removed'
    return { checked, broken: { tenantId: tenant.id, seq: expectedSeq, id: lastId, problem } }
  }
  return { checked, broken: null }
}

/** Walks every tenant's chain in order; returns the first broken record of each broken chain. */
export async function verifyAuditChains(db: Kysely<DB>): Promise<{ checked: number; breaks: ChainBreak[] }> {
  const tenants = await db
    .selectFrom('tenants')
    .select(['id', 'audit_seq', 'audit_head'])
    .orderBy('id')
    .execute()
  const breaks: ChainBreak[] = []
  let checked = 0
  for (const tenant of tenants) {
    const result = await verifyChain(db, tenant)
    checked += result.checked
    if (result.broken) breaks.push(result.broken)
  }
  return { checked, breaks }
}

/** One tenant's chain, as `trialdeck audit verify` checks every tenant's. */
export async function verifyTenantAuditChain(
  db: Kysely<DB>,
  tenantId: number,
): Promise<{ ok: boolean; checkedRecords: number; firstBroken: Omit<ChainBreak, 'tenantId'> | null }> {
  const tenant = await db
    .selectFrom('tenants')
    .select(['id', 'audit_seq', 'audit_head'])
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow()
  const { checked, broken } = await verifyChain(db, tenant)
  return {
    ok: broken === null,
    checkedRecords: checked,
    firstBroken: broken && { seq: broken.seq, id: broken.id, problem: broken.problem },
  }
}

function parsed(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

function recordView(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    at: r.at,
    actor: { kind: r.actor_kind, userId: r.actor_user_id, tokenId: r.actor_token_id },
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: parsed(r.before),
    after: parsed(r.after),
    reasonForChange: r.reason,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

/** A page of the tenant's audit trail, newest first, filtered by entity, actor, action and time. */
export async function listAuditRecords(
  db: Kysely<DB>,
  tenantId: number,
  query: AuditQuery,
): Promise<Page<AuditRecord>> {
  const errors = new ErrorList()
  const instant = (name: 'from' | 'to'): string | undefined => {
    const v = query[name]
    if (v === undefined) return undefined
    const t = Date.parse(v)
    if (Number.isNaN(t)) errors.add(`/querystring/${name}`, 'must be an ISO 8601 date-time', 'format')
    return Number.isNaN(t) ? undefined : new Date(t).toISOString()
  }
  const from = instant('from')
  const to = instant('to')
  if (from !== undefined && to !== undefined && from >= to)
    errors.add('/querystring/to', 'must be later than from', 'range')
  errors.throwIfAny()
  const limit = limitOf(query)
  const rows = await new AuditRepository(db).list(
    tenantId,
    {
      entityType: query.entityType,
      entityId: query.entityId,
      actorUserId: query.actorUserId,
      action: query.action,
      from,
      to,
      beforeSeq: decodeCursor(query.cursor),
    },
    limit,
  )
  return pageOf(rows, limit, (r) => r.seq, recordView)
}
