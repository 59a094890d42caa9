import { Type, type Static } from 'typebox'
import { ANSWER_TYPES } from '../answers.js'
import { Page, PageQuerySchema } from '../../../http/pagination.js'
import { AddressSchema, AnswerSchema, AnswerValueSchema, SexSchema } from '../partner/schemas.js'
import { Amount, Count, Id, Nullable } from '../../../http/schemas.js'

/** Native staff API shapes for recruitment (`/api/v1/studies/{studyId}/…`, `/api/v1/volunteers`, …). */

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength })

export const SiteParamsSchema = Type.Object({ studyId: Id(), siteId: Id() })
export const CohortParamsSchema = Type.Object({ studyId: Id(), cohortId: Id() })
export const SlotParamsSchema = Type.Object({
  studyId: Id(),
  siteId: Id(),
  slotId: Id(),
})
export const QuestionParamsSchema = Type.Object({ questionId: Id() })
export const VolunteerParamsSchema = Type.Object({ volunteerId: Id() })

export const SiteInputSchema = Type.Object(
  {
    siteId: Id({ description: 'the integer site id the Partner API speaks of' }),
    name: Text(200),
    locationOid: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  },
  { additionalProperties: false },
)
export type SiteInput = Static<typeof SiteInputSchema>
export const SiteUpdateSchema = Type.Object(
  { name: Text(200), locationOid: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))) },
  { additionalProperties: false },
)
export type SiteUpdate = Static<typeof SiteUpdateSchema>
export const SiteSchema = Type.Object({
  studyId: Id(),
  siteId: Id(),
  name: Type.String(),
  locationOid: Nullable(Type.String()),
})
export type Site = Static<typeof SiteSchema>

export const CohortInputSchema = Type.Object(
  { name: Text(200), description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) },
  { additionalProperties: false },
)
export type CohortInput = Static<typeof CohortInputSchema>
export const CohortSchema = Type.Object({
  cohortId: Id(),
  studyId: Id(),
  name: Type.String(),
  description: Nullable(Type.String()),
})
export type Cohort = Static<typeof CohortSchema>

const RECRUITING_STATUSES = ['not-recruiting', 'recruiting', 'paused', 'closed'] as const

const profileProps = {
  status: Type.Enum(RECRUITING_STATUSES, {
    description: 'only recruiting studies are offered to the website',
  }),
  publicTitle: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  publicDescription: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
  minAge: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 130 }))),
  maxAge: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 130 }))),
  sex: Type.Optional(Nullable(SexSchema)),
  minBmi: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 200 }))),
  maxBmi: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 200 }))),
  healthyVolunteers: Type.Optional(
    Nullable(
      Type.Boolean({ description: 'true: healthy volunteers only; false: patients only; null: either' }),
    ),
  ),
  requiredAnswers: Type.Optional(Type.Array(AnswerSchema, { maxItems: 100 })),
  compensation: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
}
export const ProfileInputSchema = Type.Object(profileProps, {
  additionalProperties: false,
  description: 'The whole recruitment profile; absent fields are cleared',
})
export type ProfileInput = Static<typeof ProfileInputSchema>
export const ProfileSchema = Type.Object({
  studyId: Id(),
  status: Type.Enum(RECRUITING_STATUSES),
  publicTitle: Nullable(Type.String()),
  publicDescription: Nullable(Type.String()),
  minAge: Nullable(Id()),
  maxAge: Nullable(Id()),
  sex: Nullable(SexSchema),
  minBmi: Nullable(Amount()),
  maxBmi: Nullable(Amount()),
  healthyVolunteers: Nullable(Type.Boolean()),
  requiredAnswers: Type.Array(Type.Object({ question: Type.String(), answer: AnswerValueSchema })),
  compensation: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
})
export type Profile = Static<typeof ProfileSchema>

export const SlotInputSchema = Type.Object(
  {
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
    capacity: Type.Integer({ minimum: 1, maximum: 10000 }),
  },
  { additionalProperties: false },
)
export type SlotInput = Static<typeof SlotInputSchema>
export const SlotQuerySchema = Type.Object(
  {
    ...PageQuerySchema.properties,
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only slots starting at or after (inclusive)' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only slots starting before (exclusive)' }),
    ),
  },
  { additionalProperties: false },
)
export const SlotSchema = Type.Object({
  appointmentId: Id(),
  studyId: Id(),
  siteId: Id(),
  start: Type.String(),
  end: Type.String(),
  capacity: Count(),
  booked: Count(),
  placesLeft: Count(),
})
export type Slot = Static<typeof SlotSchema>

export const QuestionInputSchema = Type.Object(
  {
    text: Text(1000),
    answerType: Type.Enum(ANSWER_TYPES),
    options: Type.Optional(Nullable(Type.Array(Text(200), { minItems: 1, maxItems: 100 }))),
    siteId: Type.Optional(Nullable(Id({ description: 'set for a site-specific question' }))),
    required: Type.Optional(Type.Boolean({ description: 'must be answered at registration' })),
  },
  { additionalProperties: false },
)
export type QuestionInput = Static<typeof QuestionInputSchema>
export const QuestionSchema = Type.Object({
  questionId: Id(),
  text: Type.String(),
  answerType: Type.Enum(ANSWER_TYPES),
  options: Nullable(Type.Array(Type.String())),
  siteId: Nullable(Id()),
  required: Type.Boolean(),
})
export type Question = Static<typeof QuestionSchema>

export const StaffSitesSchema = Type.Object(
  { siteIds: Type.Array(Id(), { maxItems: 1000, description: 'empty: not restricted' }) },
  { additionalProperties: false },
)
export type StaffSites = Static<typeof StaffSitesSchema>

const VolunteerViewSchema = Type.Object({
  volunteerId: Id(),
  firstName: Type.String(),
  lastName: Type.String(),
  dateOfBirth: Type.String(),
  sex: SexSchema,
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address: AddressSchema,
  heightCm: Nullable(Amount()),
  weightKg: Nullable(Amount()),
  healthyVolunteer: Nullable(Type.Boolean()),
  sitePreferenceId: Nullable(Id()),
  consentToContact: Type.Boolean(),
  source: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type VolunteerView = Static<typeof VolunteerViewSchema>

/** The funnel stages a volunteer reaches after registering, as the recruitment-funnel report counts them. */
const VOLUNTEER_STAGES = ['interested', 'booked', 'screened', 'enrolled'] as const
export type VolunteerStage = (typeof VOLUNTEER_STAGES)[number]

export const VolunteerListQuerySchema = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'prefix of the email, first or last name' })),
    siteId: Type.Optional(Id({ description: 'volunteers who prefer this site' })),
    studyId: Type.Optional(
      Id({ description: 'volunteers who reached at least the interested stage of this study (see status)' }),
    ),
    status: Type.Optional(
      Type.Enum(VOLUNTEER_STAGES, {
        description:
          'volunteers who reached this funnel stage (of studyId, or of any study): interested (expressed ' +
          'interest), booked (hold an active screening booking), screened (are a subject), enrolled (a subject ' +
          'with an enrolment date)',
      }),
    ),
    ...PageQuerySchema.properties,
  },
  { additionalProperties: false },
)
export type VolunteerListQuery = Static<typeof VolunteerListQuerySchema>
export const VolunteerListSchema = Page(VolunteerViewSchema)

export const VolunteerDetailSchema = Type.Object({
  ...VolunteerViewSchema.properties,
  answers: Type.Array(Type.Object({ question: Type.String(), answer: AnswerValueSchema })),
  interests: Type.Array(
    Type.Object({
      interestId: Id(),
      studyId: Id(),
      cohortId: Nullable(Id()),
      createdAt: Type.String(),
    }),
  ),
  appointments: Type.Array(
    Type.Object({
      bookingId: Id(),
      appointmentId: Id(),
      studyId: Id(),
      siteId: Id(),
      start: Type.String(),
      end: Type.String(),
      status: Type.String(),
      bookedAt: Type.String(),
      cancelledAt: Nullable(Type.String()),
      cancelReason: Nullable(Type.String()),
    }),
  ),
})
export type VolunteerDetail = Static<typeof VolunteerDetailSchema>
