import type { Kysely, Selectable } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { RecruitBookingsTable, RecruitInterestsTable } from '../tables.js'

export type BookingRow = Selectable<RecruitBookingsTable>
export type InterestRow = Selectable<RecruitInterestsTable>

/** SQL for places in slots and for interests; the tenant id comes first in every method. */
export class BookingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Takes one place in a slot if one is left: a conditional UPDATE, so concurrent bookings for the last place
   * cannot both succeed (PostgreSQL re-checks the condition after the row lock; SQLite serialises writers).
   */
  async takePlace(trx: Kysely<DB>, tenantId: number, slotId: number): Promise<boolean> {
    const r = await trx
      .updateTable('recruit_slots')
      .set((eb) => ({ booked: eb('booked', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', slotId)
      .whereRef('booked', '<', 'capacity')
      .executeTakeFirst()
    return r.numUpdatedRows > 0n
  }

  async releasePlace(trx: Kysely<DB>, tenantId: number, slotId: number): Promise<void> {
    await trx
      .updateTable('recruit_slots')
      .set((eb) => ({ booked: eb('booked', '-', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', slotId)
      .where('booked', '>', 0)
      .execute()
  }

  async insertBooking(
    trx: Kysely<DB>,
    row: { tenantId: number; slotId: number; volunteerId: number; studyId: number; now: string },
  ): Promise<number> {
    const r = await trx
      .insertInto('recruit_bookings')
      .values({
        tenant_id: row.tenantId,
        slot_id: row.slotId,
        volunteer_id: row.volunteerId,
        study_id: row.studyId,
        status: 'booked',
        booked_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return r.id
  }

  activeBooking(tenantId: number, volunteerId: number, studyId: number): Promise<BookingRow | undefined> {
    return this.db
      .selectFrom('recruit_bookings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('volunteer_id', '=', volunteerId)
      .where('study_id', '=', studyId)
      .where('status', '=', 'booked')
      .executeTakeFirst()
  }

  /** Cancels the volunteer's active booking of this slot; undefined when there is none (or a racer won). */
  cancel(
    trx: Kysely<DB>,
    tenantId: number,
    volunteerId: number,
    slotId: number,
    reason: string,
    now: string,
  ): Promise<BookingRow | undefined> {
    return trx
      .updateTable('recruit_bookings')
      .set({ status: 'cancelled', cancelled_at: now, cancel_reason: reason })
      .where('tenant_id', '=', tenantId)
      .where('volunteer_id', '=', volunteerId)
      .where('slot_id', '=', slotId)
      .where('status', '=', 'booked')
      .returningAll()
      .executeTakeFirst()
  }

  bookingsOf(tenantId: number, volunteerId: number) {
    return this.db
      .selectFrom('recruit_bookings as b')
      .innerJoin('recruit_slots as s', 's.id', 'b.slot_id')
      .select([
        'b.id',
        'b.slot_id',
        'b.study_id',
        's.site_id',
        's.starts_at',
        's.ends_at',
        'b.status',
        'b.booked_at',
        'b.cancelled_at',
        'b.cancel_reason',
      ])
      .where('b.tenant_id', '=', tenantId)
      .where('b.volunteer_id', '=', volunteerId)
      .orderBy('b.id')
      .execute()
  }

  findInterest(
    tenantId: number,
    volunteerId: number,
    studyId: number,
    cohortId: number | null,
  ): Promise<InterestRow | undefined> {
    return this.db
      .selectFrom('recruit_interests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('volunteer_id', '=', volunteerId)
      .where('study_id', '=', studyId)
      .where('cohort_id', cohortId === null ? 'is' : '=', cohortId)
      .executeTakeFirst()
  }

  async insertInterest(
    trx: Kysely<DB>,
    row: {
      tenantId: number
      volunteerId: number
      studyId: number
      cohortId: number | null
      source: string | null
      now: string
    },
  ): Promise<number> {
    const r = await trx
      .insertInto('recruit_interests')
      .values({
        tenant_id: row.tenantId,
        volunteer_id: row.volunteerId,
        study_id: row.studyId,
        cohort_id: row.cohortId,
        source: row.source,
        created_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return r.id
  }

  interestsOf(tenantId: number, volunteerId: number): Promise<InterestRow[]> {
    return this.db
      .selectFrom('recruit_interests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('volunteer_id', '=', volunteerId)
      .orderBy('id')
      .execute()
  }
}
