import { Type, type Static } from 'typebox'
import { DATA_TYPES } from './values.js'
import { PageQuerySchema } from '../../http/pagination.js'
import { Count, Id, Int, Nullable } from '../../http/schemas.js'

const DateText = Type.String({ format: 'date', description: 'YYYY-MM-DD' })

const SUBJECT_STATUSES = ['screened', 'enrolled', 'randomised', 'completed', 'withdrawn'] as const

export const NewSubjectSchema = Type.Object(
  {
    subjectNumber: Type.String({ minLength: 1, maxLength: 50 }),
    siteId: Type.Optional(Nullable(Id({ description: "the study site's siteId" }))),
    cohort: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    status: Type.Optional(Type.Enum(SUBJECT_STATUSES, { default: 'enrolled' })),
    enrolledOn: Type.Optional(Nullable(DateText)),
    randomisedOn: Type.Optional(Nullable(DateText)),
    volunteerId: Type.Optional(Nullable(Id())),
  },
  { additionalProperties: false },
)
export type NewSubject = Static<typeof NewSubjectSchema>

export const SubjectSchema = Type.Object({
  id: Id(),
  subjectNumber: Type.String(),
  siteId: Nullable(Id()),
  cohort: Nullable(Type.String()),
  status: Type.String(),
  enrolledOn: Nullable(Type.String()),
  randomisedOn: Nullable(Type.String()),
  volunteerId: Nullable(Id()),
})
export type Subject = Static<typeof SubjectSchema>

export const NewTimepointSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    studyDay: Type.Integer({ minimum: -365, maximum: 3650 }),
    offsetMinutes: Type.Optional(Type.Integer({ minimum: -100000, maximum: 100000, default: 0 })),
  },
  { additionalProperties: false },
)
export type NewTimepoint = Static<typeof NewTimepointSchema>

export const TimepointSchema = Type.Object({
  id: Id(),
  name: Type.String(),
  studyDay: Int(-365, 3650),
  offsetMinutes: Int(-100000, 100000),
})
export type Timepoint = Static<typeof TimepointSchema>

const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z][A-Za-z0-9_]*$' })

export const NewItemSchema = Type.Object(
  {
    code: Code,
    label: Type.String({ minLength: 1, maxLength: 200 }),
    dataType: Type.Enum(DATA_TYPES),
    unit: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    form: Code,
    itemGroup: Code,
  },
  { additionalProperties: false },
)
export type NewItem = Static<typeof NewItemSchema>

export const ItemSchema = Type.Object({
  id: Id(),
  code: Type.String(),
  label: Type.String(),
  dataType: Type.String(),
  unit: Nullable(Type.String()),
  form: Type.String(),
  itemGroup: Type.String(),
})
export type Item = Static<typeof ItemSchema>

export const NewObservationSchema = Type.Object(
  {
    subject: Type.String({ minLength: 1, description: 'subject number' }),
    timepoint: Type.String({ minLength: 1, description: 'timepoint name' }),
    item: Type.String({ minLength: 1, description: 'data item code' }),
    value: Nullable(Type.String({ description: 'the exact text entered' })),
    unit: Type.Optional(Nullable(Type.String())),
    collectedAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    locked: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
)

export const ObservationSchema = Type.Object({
  id: Id(),
  subject: Type.String(),
  timepoint: Type.String(),
  item: Type.String(),
  value: Nullable(Type.String()),
  unit: Nullable(Type.String()),
  collectedAt: Nullable(Type.String()),
  locked: Type.Boolean(),
})
export type Observation = Static<typeof ObservationSchema>

export const ObservationQuery = Type.Object(
  {
    ...PageQuerySchema.properties,
    subjects: Type.Optional(Type.String({ description: 'comma-separated subject numbers' })),
    timepoints: Type.Optional(Type.String({ description: 'comma-separated timepoint names' })),
  },
  { additionalProperties: false },
)

export const ImportResultSchema = Type.Object({
  rows: Count({ description: 'observations written (inserted or updated)' }),
})
