import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { accessibleStudyIds } from '../conduct/access.js'
import { decodeCursor, pageOf, type Page } from '../../http/pagination.js'
import type { ReportStudy } from './schemas.js'

/**
 * The studies an account may run reports on, by id, each with its timepoints (the values `timepoints` takes): the
 * tenant's studies less those the account is restricted from. A report form offers only these.
 */
export async function reportStudies(
  db: Kysely<DB>,
  tenantId: number,
  userId: number | null,
  cursor: string | undefined,
  limit: number,
): Promise<Page<ReportStudy>> {
  const allowed = userId === null ? 'all' : await accessibleStudyIds(db, tenantId, userId)
  if (allowed !== 'all' && allowed.length === 0) return { items: [], nextCursor: null }
  let q = db
    .selectFrom('studies')
    .select(['id', 'protocol', 'name', 'status'])
    .where('tenant_id', '=', tenantId)
  const after = decodeCursor(cursor)
  if (after !== undefined) q = q.where('id', '>', after)
  if (allowed !== 'all') q = q.where('id', 'in', allowed)
  const rows = await q
    .orderBy('id')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const timepoints =
    page.length === 0
      ? []
      : await db
          .selectFrom('study_timepoints')
          .select(['study_id', 'name'])
          .where('tenant_id', '=', tenantId)
          .where(
            'study_id',
            'in',
            page.map((r) => r.id),
          )
          .orderBy('study_day')
          .orderBy('offset_minutes')
          .orderBy('id')
          .execute()
  const byStudy = new Map<number, string[]>()
  for (const t of timepoints) {
    const list = byStudy.get(t.study_id) ?? []
    list.push(t.name)
    byStudy.set(t.study_id, list)
  }
  return pageOf(
    rows,
    limit,
    (r) => r.id,
    (r) => ({
      id: r.id,
      protocol: r.protocol,
      name: r.name,
      status: r.status,
      timepoints: byStudy.get(r.id) ?? [],
    }),
  )
}
