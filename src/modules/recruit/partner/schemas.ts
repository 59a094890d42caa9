import { Type, type Static, type TSchema } from 'typebox'
import { Count, Id, MAX_AMOUNT, Nullable } from '../../../http/schemas.js'
import { STUDY_NAME_MATCH } from '../../studies/names.js'

/** Partner-compatible Recruit API shapes (`/api/v1/recruit/*`). Bodies are validated exactly: no coercion. */

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) })

export const SexSchema = Type.Enum(['M', 'F'], { description: 'M or F' })

export const AddressSchema = Type.Object(
  {
    line1: Type.Optional(Type.String({ maxLength: 200 })),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    city: Type.Optional(Type.String({ maxLength: 100 })),
    region: Type.Optional(Type.String({ maxLength: 100 })),
    postalCode: Type.Optional(Type.String({ maxLength: 20 })),
    country: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
)

export const AnswerValueSchema = Type.Unsafe<string | number | boolean>({
  type: ['string', 'number', 'boolean'],
  minimum: -MAX_AMOUNT,
  maximum: MAX_AMOUNT,
  maxLength: 1000,
  description: 'a string, a number or a boolean, as the question’s answer type says',
})

export const AnswerSchema = Type.Object(
  {
    question: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'exactly the configured question text',
    }),
    answer: AnswerValueSchema,
  },
  { additionalProperties: false },
)
export type Answer = Static<typeof AnswerSchema>

const volunteerProps = {
  firstName: Text(100),
  lastName: Text(100),
  dateOfBirth: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  sex: SexSchema,
  email: Type.String({ format: 'email', maxLength: 254 }),
  phone: Type.Optional(Type.String({ maxLength: 40 })),
  address: Type.Optional(AddressSchema),
  heightCm: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 300, description: 'a number, not a string' }),
  ),
  weightKg: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 700, description: 'a number, not a string' }),
  ),
  healthyVolunteer: Type.Optional(
    Type.Boolean({ description: 'the volunteer describes themself as healthy (not a patient)' }),
  ),
  sitePreferenceId: Type.Optional(
    Id({
      description: 'the siteId the volunteer prefers; required when the clinic has several sites',
    }),
  ),
  consentToContact: Type.Optional(Type.Boolean()),
  answers: Type.Optional(Type.Array(AnswerSchema, { maxItems: 200 })),
  source: Type.Optional(Type.String({ maxLength: 100, description: 'where the volunteer came from' })),
}

export const VolunteerSchema = Type.Object(volunteerProps, {
  additionalProperties: false,
  description: 'A volunteer registering through the website',
})
export type VolunteerInput = Static<typeof VolunteerSchema>

const optional = <T extends Record<string, TSchema>>(props: T) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as unknown as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>
  }

export const VolunteerUpdateSchema = Type.Object(
  { volunteerId: Id(), ...optional(volunteerProps) },
  { additionalProperties: false, description: 'The volunteer and the fields to change' },
)
export type VolunteerUpdateInput = Static<typeof VolunteerUpdateSchema>

export const UpdateQuerySchema = Type.Object({
  reasonForChange: Text(1000, 'why the details change; recorded in the audit trail'),
})

export const VolunteerRequestSchema = Type.Object(
  { ...volunteerProps, studyId: Id(), cohortId: Type.Optional(Id()) },
  { additionalProperties: false, description: 'A volunteer and the study they are interested in' },
)
export type VolunteerRequestInput = Static<typeof VolunteerRequestSchema>

export const VolunteerIdSchema = Type.Object({ volunteerId: Id() })
export const VolunteerRequestResultSchema = Type.Object({
  volunteerRequestId: Id({ description: 'the interest registered' }),
  volunteerId: Id(),
})

export const ActiveSitesQuerySchema = Type.Object({
  studyName: Type.Optional(Type.String({ description: STUDY_NAME_MATCH })),
  siteName: Type.Optional(Type.String({ description: "the site's name; A–Z in any case, all else exactly" })),
  siteId: Type.Optional(Id()),
  locationOid: Type.Optional(Type.String({ description: 'case-sensitive' })),
})
export type ActiveSitesQuery = Static<typeof ActiveSitesQuerySchema>

const CohortRefSchema = Type.Object({ cohortId: Id(), name: Type.String() })

export const ActiveStudySiteSchema = Type.Object({
  studyId: Id(),
  studyName: Type.String(),
  protocol: Type.String(),
  siteId: Id(),
  siteName: Type.String(),
  locationOid: Nullable(Type.String()),
  publicTitle: Nullable(Type.String()),
  publicDescription: Nullable(Type.String()),
  compensation: Nullable(Type.String()),
  cohorts: Type.Array(CohortRefSchema),
})
export type ActiveStudySite = Static<typeof ActiveStudySiteSchema>

export const UnassignedQuerySchema = Type.Object({
  studyName: Type.Optional(Type.String({ description: STUDY_NAME_MATCH })),
  studyId: Type.Optional(Id()),
  siteId: Type.Optional(Id()),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'slots starting at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'slots starting before' })),
})
export type UnassignedQuery = Static<typeof UnassignedQuerySchema>

export const OpenSlotSchema = Type.Object({
  appointmentId: Id(),
  studyId: Id(),
  siteId: Id(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  placesLeft: Count(),
})
export type OpenSlot = Static<typeof OpenSlotSchema>

export const AssignSchema = Type.Object(
  { volunteerId: Id(), appointmentId: Id() },
  { additionalProperties: false },
)
export type AssignInput = Static<typeof AssignSchema>

export const CancelSchema = Type.Object(
  { volunteerId: Id(), appointmentId: Id(), reason: Text(1000) },
  { additionalProperties: false },
)
export type CancelInput = Static<typeof CancelSchema>

export const AppointmentSchema = Type.Object({
  volunteerId: Id(),
  appointmentId: Id(),
  studyId: Id(),
  siteId: Id(),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
  status: Type.Enum(['booked', 'cancelled']),
})
export type Appointment = Static<typeof AppointmentSchema>

export const InterestInputSchema = Type.Object(
  { volunteerId: Id(), studyId: Id(), cohortId: Type.Optional(Id()) },
  { additionalProperties: false },
)
export type InterestInput = Static<typeof InterestInputSchema>

export const InterestSchema = Type.Object({
  interestId: Id(),
  volunteerId: Id(),
  studyId: Id(),
  cohortId: Nullable(Id()),
  createdAt: Type.String(),
})
export type Interest = Static<typeof InterestSchema>

export const MatchInputSchema = Type.Object(
  {
    volunteerId: Type.Optional(Id({ description: 'match a registered volunteer…' })),
    dateOfBirth: Type.Optional(Type.String({ format: 'date' })),
    sex: Type.Optional(SexSchema),
    heightCm: volunteerProps.heightCm,
    weightKg: volunteerProps.weightKg,
    healthyVolunteer: volunteerProps.healthyVolunteer,
    sitePreferenceId: volunteerProps.sitePreferenceId,
    answers: volunteerProps.answers,
  },
  { additionalProperties: false, description: 'A volunteerId, or the attributes to match (not both)' },
)
export type MatchInput = Static<typeof MatchInputSchema>

const FailedCriterionSchema = Type.Object({
  criterion: Type.Enum(['age', 'sex', 'bmi', 'healthyVolunteers', 'answer', 'site']),
  message: Type.String(),
})

const StudyRefProps = {
  studyId: Id(),
  studyName: Type.String(),
  publicTitle: Nullable(Type.String()),
  compensation: Nullable(Type.String()),
}

export const MatchResultSchema = Type.Object({
  matching: Type.Array(Type.Object(StudyRefProps)),
  notMatching: Type.Array(
    Type.Object({ ...StudyRefProps, failedCriteria: Type.Array(FailedCriterionSchema) }),
  ),
})
export type MatchResult = Static<typeof MatchResultSchema>
