import type { Kysely } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { inTransaction } from '../../../db/database.js'
import { ErrorList, NotFound } from '../../../errors.js'
import { decodeCursor, limitOf, pageOf, type Page } from '../../../http/pagination.js'
import { recordAudit } from '../../audit/service.js'
import { mustOutrank, type Caller } from '../../identity/grant-rule.js'
import { IdentityRepository } from '../../identity/repository.js'
import { BookingsRepository } from '../partner/repository.js'
import type { StaffSites, VolunteerDetail, VolunteerListQuery, VolunteerView } from '../staff/schemas.js'
import { SitesRepository } from '../staff/sites.js'
import { VolunteersRepository, type VolunteerRow } from './repository.js'

function volunteerViewOf(v: VolunteerRow): VolunteerView {
  return {
    volunteerId: v.id,
    firstName: v.first_name,
    lastName: v.last_name,
    dateOfBirth: v.date_of_birth,
    sex: v.sex as VolunteerView['sex'],
    email: v.email,
    phone: v.phone,
    address: {
      ...(v.address_line1 !== null ? { line1: v.address_line1 } : {}),
      ...(v.address_line2 !== null ? { line2: v.address_line2 } : {}),
      ...(v.city !== null ? { city: v.city } : {}),
      ...(v.region !== null ? { region: v.region } : {}),
      ...(v.postal_code !== null ? { postalCode: v.postal_code } : {}),
      ...(v.country !== null ? { country: v.country } : {}),
    },
    heightCm: v.height_cm === null ? null : Number(v.height_cm),
    weightKg: v.weight_kg === null ? null : Number(v.weight_kg),
    healthyVolunteer: v.healthy_volunteer === null ? null : v.healthy_volunteer === 1,
    sitePreferenceId: v.site_preference_id,
    consentToContact: v.consent_to_contact === 1,
    source: v.source,
    createdAt: v.created_at,
    updatedAt: v.updated_at,
  }
}

/**
 * Staff views of volunteers. A user with site restrictions sees only the volunteers who prefer one of their sites;
 * anyone else outside them answers 404, as if absent.
 */
export class VolunteerViews {
  readonly volunteers: VolunteersRepository
  readonly bookings: BookingsRepository
  readonly sites: SitesRepository
  readonly identity: IdentityRepository

  constructor(private readonly db: Kysely<DB>) {
    this.volunteers = new VolunteersRepository(db)
    this.bookings = new BookingsRepository(db)
    this.sites = new SitesRepository(db)
    this.identity = new IdentityRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): VolunteerViews {
    return new VolunteerViews(ctx.db)
  }

  private async restriction(tenantId: number, userId: number): Promise<number[] | undefined> {
    const sites = await this.volunteers.staffSites(tenantId, userId)
    return sites.length > 0 ? sites : undefined
  }

  async list(tenantId: number, userId: number, q: VolunteerListQuery): Promise<Page<VolunteerView>> {
    const limit = limitOf(q)
    const rows = await this.volunteers.list(tenantId, {
      q: q.q,
      siteId: q.siteId,
      studyId: q.studyId,
      stage: q.status,
      restrictedTo: await this.restriction(tenantId, userId),
      before: decodeCursor(q.cursor),
      limit: limit + 1,
    })
    return pageOf(rows, limit, (r) => r.id, volunteerViewOf)
  }

  async detail(tenantId: number, userId: number, volunteerId: number): Promise<VolunteerDetail> {
    const v = await this.volunteers.find(tenantId, volunteerId)
    const restricted = await this.restriction(tenantId, userId)
    if (!v || (restricted && (v.site_preference_id === null || !restricted.includes(v.site_preference_id))))
      throw new NotFound(`No volunteer ${volunteerId}`)
    const [answers, interests, bookings] = await Promise.all([
      this.volunteers.answersOf(tenantId, v.id),
      this.bookings.interestsOf(tenantId, v.id),
      this.bookings.bookingsOf(tenantId, v.id),
    ])
    return {
      ...volunteerViewOf(v),
      answers: answers.map((a) => ({
        question: a.question,
        answer:
          a.answer_type === 'number'
            ? Number(a.answer)
            : a.answer_type === 'yesno'
              ? a.answer === 'true'
              : a.answer,
      })),
      interests: interests.map((i) => ({
        interestId: i.id,
        studyId: i.study_id,
        cohortId: i.cohort_id,
        createdAt: i.created_at,
      })),
      appointments: bookings.map((b) => ({
        bookingId: b.id,
        appointmentId: b.slot_id,
        studyId: b.study_id,
        siteId: b.site_id,
        start: b.starts_at,
        end: b.ends_at,
        status: b.status,
        bookedAt: b.booked_at,
        cancelledAt: b.cancelled_at,
        cancelReason: b.cancel_reason,
      })),
    }
  }

  async staffSites(tenantId: number, userId: number): Promise<StaffSites> {
    if (!(await this.identity.findUserById(tenantId, userId))) throw new NotFound(`No user ${userId}`)
    return { siteIds: await this.volunteers.staffSites(tenantId, userId) }
  }

  /** Restricts a staff user to these sites (empty: no restriction). */
  async setStaffSites(
    tenantId: number,
    userId: number,
    input: StaffSites,
    caller: Caller,
  ): Promise<StaffSites> {
    const actor = caller.actor
    // Narrowing what an account sees is a change to that account: the grant rule applies (and 404 for no user).
    await mustOutrank(this.db, caller, userId, (u) => `restrict the volunteers ${u.username} sees`)
    const before = await this.staffSites(tenantId, userId)
    const siteIds = [...new Set(input.siteIds)].sort((a, b) => a - b)
    const errors = new ErrorList()
    for (const [i, id] of input.siteIds.entries()) {
      if (!(await this.sites.exists(tenantId, id)))
        errors.add(`/body/siteIds/${i}`, `no site has id ${id}`, 'unknown')
    }
    errors.throwIfAny()
    await inTransaction(this.db, async (trx) => {
      await this.volunteers.setStaffSites(trx, tenantId, userId, siteIds)
      await recordAudit(trx, actor, {
        action: 'user.recruit-sites.update',
        entityType: 'user',
        entityId: userId,
        before,
        after: { siteIds },
      })
    })
    return { siteIds }
  }
}
