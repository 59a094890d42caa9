import type { Insertable, Kysely, Updateable } from 'kysely'
import type { AppContext } from '../../../context.js'
import type { DB } from '../../../db/schema.js'
import { inTransaction } from '../../../db/database.js'
import { nowIso } from '../../../db/columns.js'
import { ErrorList, NotFound, ValidationFailed } from '../../../errors.js'
import { recordAudit, type Actor } from '../../audit/service.js'
import { resolveAnswers, type ResolvedAnswer } from '../answers.js'
import { CatalogRepository } from '../staff/repository.js'
import { isUniqueViolation } from '../../../db/errors.js'
import { BookingsRepository } from '../partner/repository.js'
import type { RecruitVolunteersTable } from '../tables.js'
import type { VolunteerInput, VolunteerRequestInput, VolunteerUpdateInput } from '../partner/schemas.js'
import {
  emailKeyOf,
  nameKeyOf,
  VolunteersRepository,
  type DuplicateKeys,
  type VolunteerRow,
} from './repository.js'

type Fields = Omit<VolunteerUpdateInput, 'volunteerId'>

/** The audit trail's view of a volunteer: its fields as the API names them. */
function volunteerSnapshot(row: VolunteerRow): Record<string, unknown> {
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    email: row.email,
    phone: row.phone,
    address: {
      line1: row.address_line1,
      line2: row.address_line2,
      city: row.city,
      region: row.region,
      postalCode: row.postal_code,
      country: row.country,
    },
    heightCm: row.height_cm === null ? null : Number(row.height_cm),
    weightKg: row.weight_kg === null ? null : Number(row.weight_kg),
    healthyVolunteer: row.healthy_volunteer === null ? null : row.healthy_volunteer === 1,
    sitePreferenceId: row.site_preference_id,
    consentToContact: row.consent_to_contact === 1,
    source: row.source,
  }
}

/** Columns for the fields given (absent fields are left out). */
function columnsOf(f: Fields): Updateable<RecruitVolunteersTable> {
  const c: Updateable<RecruitVolunteersTable> = {}
  if (f.firstName !== undefined) c.first_name = f.firstName.trim()
  if (f.lastName !== undefined) c.last_name = f.lastName.trim()
  if (f.dateOfBirth !== undefined) c.date_of_birth = f.dateOfBirth
  if (f.sex !== undefined) c.sex = f.sex
  if (f.email !== undefined) {
    c.email = f.email.trim()
    c.email_key = emailKeyOf(f.email)
  }
  if (f.phone !== undefined) c.phone = f.phone
  if (f.address !== undefined) {
    c.address_line1 = f.address.line1 ?? null
    c.address_line2 = f.address.line2 ?? null
    c.city = f.address.city ?? null
    c.region = f.address.region ?? null
    c.postal_code = f.address.postalCode ?? null
    c.country = f.address.country ?? null
  }
  if (f.heightCm !== undefined) c.height_cm = String(f.heightCm)
  if (f.weightKg !== undefined) c.weight_kg = String(f.weightKg)
  if (f.healthyVolunteer !== undefined) c.healthy_volunteer = f.healthyVolunteer ? 1 : 0
  if (f.sitePreferenceId !== undefined) c.site_preference_id = f.sitePreferenceId
  if (f.consentToContact !== undefined) c.consent_to_contact = f.consentToContact ? 1 : 0
  if (f.source !== undefined) c.source = f.source
  return c
}

/** Registration and updates of volunteers: validation, the duplicate check and the audit trail. */
export class VolunteerService {
  readonly volunteers: VolunteersRepository
  readonly catalog: CatalogRepository
  readonly bookings: BookingsRepository

  constructor(private readonly db: Kysely<DB>) {
    this.volunteers = new VolunteersRepository(db)
    this.catalog = new CatalogRepository(db)
    this.bookings = new BookingsRepository(db)
  }

  /** What the routes build it from (see CONTRIBUTING.md, "Services"). */
  static of(ctx: AppContext): VolunteerService {
    return new VolunteerService(ctx.db)
  }

  /** Registers a volunteer; 422 `duplicate` when one with the same email, or name and birth date, exists. */
  /**
   * `errors` holds the schema's errors, when the body broke it (`input` is then the parts that passed): every
   * problem, schema or domain, is answered in one 422.
   */
  async save(
    tenantId: number,
    body: Partial<VolunteerInput>,
    actor: Actor,
    errors = new ErrorList(),
  ): Promise<number> {
    const answers = await this.check(tenantId, body, null, errors)
    await this.checkDuplicates(tenantId, partialKeysOf(body), undefined, errors)
    errors.throwIfAny()
    // No error, schema or domain: the body passed its schema whole.
    const input = body as VolunteerInput
    return this.withDuplicateGuard(tenantId, keysOf(input), undefined, () =>
      inTransaction(this.db, (trx) => this.create(trx, tenantId, input, answers, actor)),
    )
  }

  /** The legacy one-call registration: a volunteer and their interest in a study (and cohort). */
  async saveRequest(
    tenantId: number,
    body: Partial<VolunteerRequestInput>,
    actor: Actor,
    errors = new ErrorList(),
  ): Promise<{ volunteerId: number; volunteerRequestId: number }> {
    const { studyId: maybeStudy, cohortId, ...partial } = body
    const answers = await this.check(tenantId, partial, null, errors)
    if (maybeStudy !== undefined) {
      const [study] = await this.catalog.recruitingStudies(tenantId, [maybeStudy])
      if (!study) errors.add('/body/studyId', 'no recruiting study has this id', 'unknown')
      if (cohortId !== undefined) {
        const cohort = await this.catalog.findCohort(tenantId, cohortId)
        if (cohort?.study_id !== maybeStudy)
          errors.add('/body/cohortId', 'no cohort of this study has this id', 'unknown')
      }
    }
    await this.checkDuplicates(tenantId, partialKeysOf(partial), undefined, errors)
    errors.throwIfAny()
    // No error, schema or domain: the body passed its schema whole.
    const { studyId, ...volunteer } = { ...partial, studyId: maybeStudy } as VolunteerRequestInput
    return this.withDuplicateGuard(tenantId, keysOf(volunteer), undefined, () =>
      inTransaction(this.db, async (trx) => {
        const volunteerId = await this.create(trx, tenantId, volunteer, answers, actor)
        const now = nowIso()
        const interest = {
          tenantId,
          volunteerId,
          studyId,
          cohortId: cohortId ?? null,
          source: volunteer.source ?? null,
          now,
        }
        const volunteerRequestId = await this.bookings.insertInterest(trx, interest)
        await recordAudit(trx, actor, {
          action: 'volunteer.interest',
          entityType: 'volunteer',
          entityId: volunteerId,
          after: { interestId: volunteerRequestId, studyId, cohortId: cohortId ?? null },
        })
        return { volunteerId, volunteerRequestId }
      }),
    )
  }

  /** Changes the fields given; the reason and the before/after of each changed field go to the audit trail. */
  async update(tenantId: number, input: VolunteerUpdateInput, reason: string, actor: Actor): Promise<number> {
    const { volunteerId, ...fields } = input
    const existing = await this.volunteers.find(tenantId, volunteerId)
    if (!existing) throw new NotFound(`No volunteer ${volunteerId}`)
    if (Object.keys(fields).length === 0)
      throw ValidationFailed.one('/body', 'name at least one field to change besides volunteerId', 'required')
    const errors = new ErrorList()
    const answers = await this.check(tenantId, fields, existing, errors)
    const nameKey = nameKeyOf(fields.firstName ?? existing.first_name, fields.lastName ?? existing.last_name)
    const keys: DuplicateKeys = {
      emailKey: fields.email !== undefined ? emailKeyOf(fields.email) : existing.email_key,
      nameKey,
      dateOfBirth: fields.dateOfBirth ?? existing.date_of_birth,
    }
    await this.checkDuplicates(tenantId, keys, volunteerId, errors)
    errors.throwIfAny()
    return this.withDuplicateGuard(tenantId, keys, volunteerId, () =>
      inTransaction(this.db, async (trx) => {
        const current = await this.volunteers.find(tenantId, volunteerId, trx)
        if (!current) throw new NotFound(`No volunteer ${volunteerId}`)
        const beforeAnswers = await this.volunteers.answersOf(tenantId, volunteerId, trx)
        const set = columnsOf(fields)
        set.name_key = nameKey
        set.updated_at = nowIso()
        await this.volunteers.update(trx, tenantId, volunteerId, set)
        await this.volunteers.putAnswers(trx, tenantId, volunteerId, answers)
        const after = await this.volunteers.find(tenantId, volunteerId, trx)
        if (!after) throw new NotFound(`No volunteer ${volunteerId}`)
        const diff = changes(volunteerSnapshot(current), volunteerSnapshot(after))
        const oldAnswers = new Map(beforeAnswers.map((a) => [a.question, a.answer]))
        for (const a of answers) {
          const old = oldAnswers.get(a.question) ?? null
          if (old !== a.answer) {
            ;((diff.before.answers ??= {}) as Record<string, unknown>)[a.question] = old
            ;((diff.after.answers ??= {}) as Record<string, unknown>)[a.question] = a.answer
          }
        }
        await recordAudit(trx, actor, {
          action: 'volunteer.update',
          entityType: 'volunteer',
          entityId: volunteerId,
          before: diff.before,
          after: diff.after,
          reason,
        })
        return volunteerId
      }),
    )
  }

  private async create(
    trx: Kysely<DB>,
    tenantId: number,
    input: VolunteerInput,
    answers: readonly ResolvedAnswer[],
    actor: Actor,
  ): Promise<number> {
    const now = nowIso()
    const row = {
      ...columnsOf(input),
      tenant_id: tenantId,
      name_key: nameKeyOf(input.firstName, input.lastName),
      consent_to_contact: input.consentToContact ? 1 : 0,
      created_at: now,
      updated_at: now,
    } as Insertable<RecruitVolunteersTable>
    const created = await this.volunteers.insert(trx, row)
    const volunteerId = created.id
    await this.volunteers.putAnswers(trx, tenantId, volunteerId, answers)
    await recordAudit(trx, actor, {
      action: 'volunteer.create',
      entityType: 'volunteer',
      entityId: volunteerId,
      after: {
        ...volunteerSnapshot(created),
        answers: Object.fromEntries(answers.map((a) => [a.question, a.answer])),
      },
    })
    return volunteerId
  }

  /** Field rules beyond the schema: birth date, site preference, answers. `existing` when updating. */
  private async check(
    tenantId: number,
    f: Fields,
    existing: VolunteerRow | null,
    errors: ErrorList,
  ): Promise<ResolvedAnswer[]> {
    if (f.dateOfBirth !== undefined) {
      const today = nowIso().slice(0, 10)
      if (f.dateOfBirth > today) errors.add('/body/dateOfBirth', 'cannot be in the future', 'range')
      else if (f.dateOfBirth < `${Number(today.slice(0, 4)) - 120}${today.slice(4)}`)
        errors.add('/body/dateOfBirth', 'is more than 120 years ago', 'range')
    }
    const siteIds = await this.catalog.tenantSiteIds(tenantId)
    const site = f.sitePreferenceId ?? existing?.site_preference_id ?? null
    if (f.sitePreferenceId !== undefined && !siteIds.includes(f.sitePreferenceId)) {
      errors.add('/body/sitePreferenceId', `no site has id ${f.sitePreferenceId}`, 'unknown')
    } else if (site === null && siteIds.length > 1 && !errors.has('/body/sitePreferenceId')) {
      errors.add('/body/sitePreferenceId', 'is required: the clinic has more than one site', 'required')
    }
    if (f.answers === undefined && existing !== null) return []
    const questions = await this.catalog.questions(tenantId)
    return resolveAnswers(questions, f.answers ?? [], site, errors, {
      basePath: '/body/answers',
      // An answer the schema refused may be a mandatory one: "must answer" would be wrong then.
      requireMandatory: existing === null && !errors.has('/body/answers'),
    })
  }

  private async checkDuplicates(
    tenantId: number,
    keys: DuplicateKeys,
    exceptId: number | undefined,
    errors: ErrorList,
  ): Promise<void> {
    const found = await this.volunteers.findDuplicates(tenantId, keys, exceptId)
    if (keys.emailKey !== null && found.some((d) => d.email_key === keys.emailKey))
      errors.add('/body/email', 'a volunteer with this email address is already registered', 'duplicate')
    const byName = (d: (typeof found)[number]) =>
      keys.nameKey !== null && d.name_key === keys.nameKey && d.date_of_birth === keys.dateOfBirth
    if (found.some(byName)) {
      const message = 'a volunteer with this first name, last name and date of birth is already registered'
      for (const field of ['firstName', 'lastName', 'dateOfBirth'])
        errors.add(`/body/${field}`, message, 'duplicate')
    }
  }

  /** Runs a write; a unique-index violation (a racing registration) becomes the same 422 `duplicate`. */
  private async withDuplicateGuard<T>(
    tenantId: number,
    keys: DuplicateKeys,
    exceptId: number | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write()
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
      const errors = new ErrorList()
      await this.checkDuplicates(tenantId, keys, exceptId, errors)
      if (errors.empty) throw err
      errors.throwIfAny()
      throw err
    }
  }
}

/** The duplicate keys a partly valid body has: a key whose fields the schema refused is not looked for. */
function partialKeysOf(f: Partial<VolunteerInput>): DuplicateKeys {
  const named = f.firstName !== undefined && f.lastName !== undefined && f.dateOfBirth !== undefined
  return {
    emailKey: f.email !== undefined ? emailKeyOf(f.email) : null,
    nameKey: named ? nameKeyOf(f.firstName ?? '', f.lastName ?? '') : null,
    dateOfBirth: f.dateOfBirth ?? '',
  }
}

function keysOf(input: VolunteerInput): DuplicateKeys {
  return {
    emailKey: emailKeyOf(input.email),
    nameKey: nameKeyOf(input.firstName, input.lastName),
    dateOfBirth: input.dateOfBirth,
  }
}

function changes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key]
      a[key] = after[key]
    }
  }
  return { before: b, after: a }
}
