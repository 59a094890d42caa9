import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'

/** Changes to the shared `study_sites` table that only recruitment makes (the studies module inserts and lists). */
export class SitesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async update(
    db: Kysely<DB>,
    tenantId: number,
    studyId: number,
    siteId: number,
    name: string,
    locationOid: string | null,
  ): Promise<void> {
    await db
      .updateTable('study_sites')
      .set({ name, location_oid: locationOid })
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('site_id', '=', siteId)
      .execute()
  }

  async delete(db: Kysely<DB>, tenantId: number, studyId: number, siteId: number): Promise<void> {
    await db
      .deleteFrom('study_sites')
      .where('tenant_id', '=', tenantId)
      .where('study_id', '=', studyId)
      .where('site_id', '=', siteId)
      .execute()
  }

  /** Whether any study of the tenant runs at this siteId. */
  async exists(tenantId: number, siteId: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('study_sites')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('site_id', '=', siteId)
      .limit(1)
      .executeTakeFirst()
    return r !== undefined
  }
}
