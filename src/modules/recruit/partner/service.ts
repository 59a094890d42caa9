import type { Kysely } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { Conflict, ErrorList, NotFound, ValidationFailed } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/service.js'
import { resolveAnswers } from '../answers.js'
import { BookingsRepository } from './repository.js'
import { CatalogRepository, type SlotRow } from '../staff/repository.js'
import { isUniqueViolation } from '../../../db/errors.js'
import { failedCriteria, type Candidate, type Criteria, type Sex } from '../eligibility.js'
import type {
  ActiveSitesQuery,
  ActiveStudySite,
  Appointment,
  AssignInput,
  CancelInput,
  Interest,
  InterestInput,
  MatchInput,
  MatchResult,
  OpenSlot,
  UnassignedQuery,
} from './schemas.js'
import { VolunteersRepository, type VolunteerRow } from '../volunteers/repository.js'
import { IdentityRepository } from '../../identity/repository.js'
import { settingsOf } from '../../identity/service.js'

interface RecruitingStudy {
  studyId: number
  studyName: string
  publicTitle: string | null
  compensation: string | null
  criteria: Criteria
}

function appointmentOf(slot: SlotRow, volunteerId: number, status: 'booked' | 'cancelled'): Appointment {
  return {
    volunteerId,
    appointmentId: slot.id,
    studyId: slot.study_id,
    siteId: slot.site_id,
    start: slot.starts_at,
    end: slot.ends_at,
    status,
  }
}

/** The website's side of recruitment: active sites, open slots, booking, interest and matching. */
export class RecruitService {
  readonly catalog: CatalogRepository
  readonly volunteers: VolunteersRepository
  readonly bookings: BookingsRepository
  private readonly identity: IdentityRepository

  constructor(private readonly db: Kysely<DB>) {
    this.identity = new IdentityRepository(db)
    this.catalog = new CatalogRepository(db)
    this.volunteers = new VolunteersRepository(db)
    this.bookings = new BookingsRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): RecruitService {
    return new RecruitService(ctx.db)
  }

  /**
   * Recruit is a tenant setting (`recruitEnabled`): with it off, every partner operation answers as if its
   * `resource` (`POST /api/v1/recruit/…`) did not exist.
   */
  async requireEnabled(tenantId: number, resource: string): Promise<void> {
    const tenant = await this.identity.findTenantById(tenantId)
    if (!tenant || !settingsOf(tenant).recruitEnabled) throw new NotFound(`No resource at ${resource}`)
  }

  async findActiveStudySites(tenantId: number, query: ActiveSitesQuery): Promise<ActiveStudySite[]> {
    const rows = await this.catalog.activeStudySites(tenantId, query)
    const cohorts = await this.catalog.cohortsOfStudies(tenantId, [...new Set(rows.map((r) => r.study_id))])
    return rows.map((r) => ({
      studyId: r.study_id,
      studyName: r.study_name,
      protocol: r.protocol,
      siteId: r.site_id,
      siteName: r.site_name,
      locationOid: r.location_oid,
      publicTitle: r.public_title,
      publicDescription: r.public_description,
      compensation: r.compensation,
      cohorts: cohorts
        .filter((c) => c.study_id === r.study_id)
        .map((c) => ({ cohortId: c.id, name: c.name })),
    }))
  }

  /** Future slots of recruiting studies with places left. */
  async findUnassignedAppointments(tenantId: number, q: UnassignedQuery): Promise<OpenSlot[]> {
    const now = nowIso()
    const from =
      q.from !== undefined && new Date(q.from).toISOString() > now ? new Date(q.from).toISOString() : now
    const slots = await this.catalog.slots(tenantId, {
      studyId: q.studyId,
      studyName: q.studyName,
      siteId: q.siteId,
      from,
      to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
      openOnly: true,
    })
    return slots.map((s) => ({
      appointmentId: s.id,
      studyId: s.study_id,
      siteId: s.site_id,
      start: s.starts_at,
      end: s.ends_at,
      placesLeft: s.capacity - s.booked,
    }))
  }

  /**
   * Books a place: the volunteer must be eligible for the slot's study and hold no other active appointment in
   * it; the place is taken by a conditional UPDATE in the same transaction as the booking, so capacity is never
   * exceeded however many requests race for the last place (the losers get 409).
   */
  async assignAppointment(tenantId: number, input: AssignInput, actor: Actor): Promise<Appointment> {
    const volunteer = await this.volunteers.find(tenantId, input.volunteerId)
    if (!volunteer) throw new NotFound(`No volunteer ${input.volunteerId}`)
    const slot = await this.catalog.findSlot(tenantId, input.appointmentId)
    const [study] = slot ? await this.recruitingStudies(tenantId, [slot.study_id]) : []
    if (!slot || !study) throw new NotFound(`No open appointment ${input.appointmentId}`)
    if (slot.starts_at <= nowIso()) throw new Conflict(`Appointment ${slot.id} has already started`)
    const failed = failedCriteria(study.criteria, await this.candidateOf(volunteer), nowIso().slice(0, 10))
    if (failed.length > 0) {
      throw new ValidationFailed(
        failed.map((f) => ({
          path: '/body/volunteerId',
          message: `is not eligible for study ${study.studyId}: ${f.message}`,
          rule: `eligibility.${f.criterion}`,
        })),
      )
    }
    const active = await this.bookings.activeBooking(tenantId, volunteer.id, slot.study_id)
    if (active) throw this.alreadyBooked(active.slot_id, slot.study_id)
    try {
      await inTransaction(this.db, async (trx) => {
        if (!(await this.bookings.takePlace(trx, tenantId, slot.id)))
          throw new Conflict(`Appointment ${slot.id} is full`)
        const now = nowIso()
        const bookingId = await this.bookings.insertBooking(trx, {
          tenantId,
          slotId: slot.id,
          volunteerId: volunteer.id,
          studyId: slot.study_id,
          now,
        })
        await recordAudit(trx, actor, {
          action: 'appointment.assign',
          entityType: 'volunteer',
          entityId: volunteer.id,
          after: { bookingId, appointmentId: slot.id, studyId: slot.study_id, siteId: slot.site_id },
        })
      })
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      const winner = await this.bookings.activeBooking(tenantId, volunteer.id, slot.study_id)
      throw this.alreadyBooked(winner?.slot_id ?? slot.id, slot.study_id)
    }
    return appointmentOf(slot, volunteer.id, 'booked')
  }

  private alreadyBooked(slotId: number, studyId: number): Conflict {
    return new Conflict(
      `The volunteer already holds appointment ${slotId} in study ${studyId}; cancel it before booking another`,
    )
  }

  /** Cancels the volunteer's booking of a slot and frees the place. */
  async cancelAppointment(tenantId: number, input: CancelInput, actor: Actor): Promise<Appointment> {
    const slot = await this.catalog.findSlot(tenantId, input.appointmentId)
    const volunteer = await this.volunteers.find(tenantId, input.volunteerId)
    if (!slot || !volunteer)
      throw new NotFound(`No appointment ${input.appointmentId} of volunteer ${input.volunteerId}`)
    await inTransaction(this.db, async (trx) => {
      const now = nowIso()
      const cancelled = await this.bookings.cancel(trx, tenantId, volunteer.id, slot.id, input.reason, now)
      if (!cancelled)
        throw new NotFound(`Volunteer ${volunteer.id} holds no active booking of appointment ${slot.id}`)
      await this.bookings.releasePlace(trx, tenantId, slot.id)
      await recordAudit(trx, actor, {
        action: 'appointment.cancel',
        entityType: 'volunteer',
        entityId: volunteer.id,
        before: { bookingId: cancelled.id, appointmentId: slot.id, status: 'booked' },
        after: { bookingId: cancelled.id, appointmentId: slot.id, status: 'cancelled' },
        reason: input.reason,
      })
    })
    return appointmentOf(slot, volunteer.id, 'cancelled')
  }

  /** Records a volunteer's interest in a recruiting study (and cohort); asking twice returns the same interest. */
  async expressInterest(tenantId: number, input: InterestInput, actor: Actor): Promise<Interest> {
    const volunteer = await this.volunteers.find(tenantId, input.volunteerId)
    if (!volunteer) throw new NotFound(`No volunteer ${input.volunteerId}`)
    const errors = new ErrorList()
    const [study] = await this.catalog.recruitingStudies(tenantId, [input.studyId])
    if (!study) errors.add('/body/studyId', 'no recruiting study has this id', 'unknown')
    const cohortId = input.cohortId ?? null
    if (cohortId !== null) {
      const cohort = await this.catalog.findCohort(tenantId, cohortId)
      if (cohort?.study_id !== input.studyId)
        errors.add('/body/cohortId', 'no cohort of this study has this id', 'unknown')
    }
    errors.throwIfAny()
    const existing = await this.bookings.findInterest(tenantId, volunteer.id, input.studyId, cohortId)
    if (existing) return interestOf(existing)
    return inTransaction(this.db, async (trx) => {
      const now = nowIso()
      const row = { tenantId, volunteerId: volunteer.id, studyId: input.studyId, cohortId, source: null, now }
      const interestId = await this.bookings.insertInterest(trx, row)
      await recordAudit(trx, actor, {
        action: 'volunteer.interest',
        entityType: 'volunteer',
        entityId: volunteer.id,
        after: { interestId, studyId: input.studyId, cohortId },
      })
      return { interestId, volunteerId: volunteer.id, studyId: input.studyId, cohortId, createdAt: now }
    })
  }

  /** Recruiting studies the volunteer (or the attributes given) fits, and for the others the criteria failed. */
  async findMatchingStudies(tenantId: number, input: MatchInput): Promise<MatchResult> {
    const { volunteerId, ...attributes } = input
    let candidate: Candidate
    if (volunteerId !== undefined) {
      if (Object.keys(attributes).length > 0)
        throw ValidationFailed.one(
          '/body',
          'send either volunteerId or the attributes to match, not both',
          'oneOf',
        )
      const volunteer = await this.volunteers.find(tenantId, volunteerId)
      if (!volunteer) throw new NotFound(`No volunteer ${volunteerId}`)
      candidate = await this.candidateOf(volunteer)
    } else {
      const errors = new ErrorList()
      const site = attributes.sitePreferenceId ?? null
      const answers = resolveAnswers(
        await this.catalog.questions(tenantId),
        attributes.answers ?? [],
        site,
        errors,
        {
          basePath: '/body/answers',
          requireMandatory: false,
        },
      )
      errors.throwIfAny()
      candidate = {
        dateOfBirth: attributes.dateOfBirth ?? null,
        sex: attributes.sex ?? null,
        heightCm: attributes.heightCm ?? null,
        weightKg: attributes.weightKg ?? null,
        healthyVolunteer: attributes.healthyVolunteer ?? null,
        answers: new Map(answers.map((a) => [a.questionId, a.answer])),
        sitePreferenceId: site,
      }
    }
    const today = nowIso().slice(0, 10)
    const result: MatchResult = { matching: [], notMatching: [] }
    for (const s of await this.recruitingStudies(tenantId)) {
      const ref = {
        studyId: s.studyId,
        studyName: s.studyName,
        publicTitle: s.publicTitle,
        compensation: s.compensation,
      }
      const failed = failedCriteria(s.criteria, candidate, today)
      if (failed.length === 0) result.matching.push(ref)
      else result.notMatching.push({ ...ref, failedCriteria: failed })
    }
    return result
  }

  async candidateOf(v: VolunteerRow): Promise<Candidate> {
    const answers = await this.volunteers.answersOf(v.tenant_id, v.id)
    return {
      dateOfBirth: v.date_of_birth,
      sex: v.sex as Sex,
      heightCm: v.height_cm === null ? null : Number(v.height_cm),
      weightKg: v.weight_kg === null ? null : Number(v.weight_kg),
      healthyVolunteer: v.healthy_volunteer === null ? null : v.healthy_volunteer === 1,
      answers: new Map(answers.map((a) => [a.question_id, a.answer])),
      sitePreferenceId: v.site_preference_id,
    }
  }

  /** Recruiting studies with their eligibility criteria. */
  async recruitingStudies(tenantId: number, studyIds?: readonly number[]): Promise<RecruitingStudy[]> {
    const profiles = await this.catalog.recruitingStudies(tenantId, studyIds)
    if (profiles.length === 0) return []
    const sites = await this.catalog.sitesOfStudies(
      tenantId,
      profiles.map((p) => p.study_id),
    )
    const questions = new Map((await this.catalog.questions(tenantId)).map((q) => [q.id, q.text]))
    return profiles.map((p) => ({
      studyId: p.study_id,
      studyName: p.study_name,
      publicTitle: p.public_title,
      compensation: p.compensation,
      criteria: {
        minAge: p.min_age,
        maxAge: p.max_age,
        sex: p.sex as Sex | null,
        minBmi: p.min_bmi,
        maxBmi: p.max_bmi,
        healthyVolunteers: p.healthy_volunteers === null ? null : p.healthy_volunteers === 1,
        requiredAnswers: (JSON.parse(p.required_answers) as { questionId: number; answer: string }[]).map(
          (a) => ({
            ...a,
            question: questions.get(a.questionId) ?? `question ${a.questionId}`,
          }),
        ),
        siteIds: sites.filter((s) => s.study_id === p.study_id).map((s) => s.site_id),
      },
    }))
  }
}

function interestOf(r: {
  id: number
  volunteer_id: number
  study_id: number
  cohort_id: number | null
  created_at: string
}): Interest {
  return {
    interestId: r.id,
    volunteerId: r.volunteer_id,
    studyId: r.study_id,
    cohortId: r.cohort_id,
    createdAt: r.created_at,
  }
}
