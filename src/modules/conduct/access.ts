import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { nowIso } from '../../db/columns.js'
import { Forbidden } from '../../errors.js'
import { recordAudit, type Actor } from '../audit/service.js'

/**
 * Restricted studies. A user with rows in `user_study_access` may see only those studies and their data; a user
 * without any row sees every study of the tenant. Other modules reuse these helpers for their own study data.
 */
export async function accessibleStudyIds(
  db: Kysely<DB>,
  tenantId: number,
  userId: number,
): Promise<number[] | 'all'> {
  const rows = await db
    .selectFrom('user_study_access')
    .select('study_id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .execute()
  return rows.length === 0 ? 'all' : rows.map((r) => r.study_id)
}

export async function mayAccessStudy(
  db: Kysely<DB>,
  tenantId: number,
  userId: number,
  studyId: number,
): Promise<boolean> {
  const ids = await accessibleStudyIds(db, tenantId, userId)
  return ids === 'all' || ids.includes(studyId)
}

/** Throws Forbidden when the user is restricted to other studies. */
export async function assertStudyAccess(
  db: Kysely<DB>,
  tenantId: number,
  userId: number,
  study: { id: number; protocol: string },
): Promise<void> {
  if (!(await mayAccessStudy(db, tenantId, userId, study.id))) {
    throw new Forbidden(`Study ${study.protocol} is restricted; this account may not access it`)
  }
}

/** Replaces the studies a user is restricted to (an empty list lifts the restriction); audited. */
export async function restrictUserToStudies(
  db: Kysely<DB>,
  actor: Actor,
  userId: number,
  studyIds: readonly number[],
): Promise<void> {
  const tenantId = actor.tenantId
  await db.transaction().execute(async (trx) => {
    const before = await accessibleStudyIds(trx, tenantId, userId)
    await trx
      .deleteFrom('user_study_access')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .execute()
    const now = nowIso()
    if (studyIds.length > 0) {
      await trx
        .insertInto('user_study_access')
        .values(
          studyIds.map((studyId) => ({
            tenant_id: tenantId,
            user_id: userId,
            study_id: studyId,
            created_at: now,
          })),
        )
        .execute()
    }
    await recordAudit(trx, actor, {
      action: 'user.studies.restrict',
      entityType: 'user',
      entityId: userId,
      before: { studies: before },
      after: { studies: studyIds.length > 0 ? [...studyIds] : 'all' },
    })
  })
}
