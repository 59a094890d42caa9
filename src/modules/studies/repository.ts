import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { StudiesTable, StudySitesTable } from './tables.js'

export type StudyRow = Selectable<StudiesTable>
export type StudySiteRow = Selectable<StudySitesTable>

export interface NewStudy {
  protocol: string
  name: string
  phase?: string | null
  sponsor?: string | null
  compound?: string | null
  status?: string
  description?: string | null
}

/** SQL for studies and their sites; the tenant id comes first in every method. */
export class StudiesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findById(tenantId: number, id: number): Promise<StudyRow | undefined> {
    return this.db
      .selectFrom('studies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  findByProtocol(tenantId: number, protocol: string): Promise<StudyRow | undefined> {
    return this.db
      .selectFrom('studies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('protocol', '=', protocol)
      .executeTakeFirst()
  }

  async insert(db: Kysely<DB>, tenantId: number, study: NewStudy, now: string): Promise<number> {
    const row = await db
      .insertInto('studies')
      .values({
        tenant_id: tenantId,
        protocol: study.protocol,
        name: study.name,
        phase: study.phase ?? null,
        sponsor: study.sponsor ?? null,
        compound: study.compound ?? null,
        status: study.status ?? 'planned',
        description: study.description ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  sitesOf(tenantId: number, studyId: number): Promise<StudySiteRow[]> {
    return this.db
      .selectFrom('study_sites')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .orderBy('site_id')
      .execute()
  }

  async insertSite(
    db: Kysely<DB>,
    tenantId: number,
    studyId: number,
    site: { siteId: number; name: string; locationOid?: string | null },
    now: string,
  ): Promise<number> {
    const row = await db
      .insertInto('study_sites')
      .values({
        tenant_id: tenantId,
        study_id: studyId,
        site_id: site.siteId,
        name: site.name,
        location_oid: site.locationOid ?? null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
}

/** Listing and editing studies (native studies API). */
export class StudiesListing {
  constructor(private readonly db: Kysely<DB>) {}

  list(tenantId: number, afterId: number, limit: number): Promise<StudyRow[]> {
    return this.db
      .selectFrom('studies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute()
  }

  /** Applies `changes` only if the study is still at `updatedAt` (optimistic locking); false when it was not. */
  async update(
    db: Kysely<DB>,
    tenantId: number,
    id: number,
    changes: Partial<NewStudy>,
    updatedAt: string,
    now: string,
  ): Promise<boolean> {
    const result = await db
      .updateTable('studies')
      .set({ ...changes, updated_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('updated_at', '=', updatedAt)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }
}

/** Every study of a tenant, in id order (the Track surface lists them unpaged, as the vendor's 5.1 did). */
export function listAllStudies(db: Kysely<DB>, tenantId: number): Promise<StudyRow[]> {
  return db.selectFrom('studies').selectAll().where('tenant_id', '=', tenantId).orderBy('id').execute()
}
