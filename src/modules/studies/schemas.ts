import { Type, type Static } from 'typebox'
import { Page } from '../../http/pagination.js'
import { Id, Nullable } from '../../http/schemas.js'

const STUDY_STATUSES = ['planned', 'recruiting', 'active', 'completed', 'closed'] as const

export const StudySchema = Type.Object({
  id: Id(),
  protocol: Type.String({ description: 'Protocol identifier, unique in the tenant' }),
  name: Type.String(),
  phase: Nullable(Type.String()),
  sponsor: Nullable(Type.String()),
  compound: Nullable(Type.String()),
  status: Type.String({ description: STUDY_STATUSES.join(' | ') }),
  description: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type Study = Static<typeof StudySchema>

const fields = {
  name: Type.String({ minLength: 1, maxLength: 300 }),
  phase: Nullable(Type.String({ maxLength: 50 })),
  sponsor: Nullable(Type.String({ maxLength: 300 })),
  compound: Nullable(Type.String({ maxLength: 300 })),
  status: Type.Enum(STUDY_STATUSES),
  description: Nullable(Type.String({ maxLength: 4000 })),
}

export const NewStudySchema = Type.Object(
  {
    protocol: Type.String({ minLength: 1, maxLength: 100 }),
    name: fields.name,
    phase: Type.Optional(fields.phase),
    sponsor: Type.Optional(fields.sponsor),
    compound: Type.Optional(fields.compound),
    status: Type.Optional(fields.status),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false },
)
export type NewStudyBody = Static<typeof NewStudySchema>

export const StudyPatchSchema = Type.Object(
  {
    name: Type.Optional(fields.name),
    phase: Type.Optional(fields.phase),
    sponsor: Type.Optional(fields.sponsor),
    compound: Type.Optional(fields.compound),
    status: Type.Optional(fields.status),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type StudyPatch = Static<typeof StudyPatchSchema>

export const StudyListSchema = Page(StudySchema)

/** `/…/studies/{studyId}/…`: the one path parameter every study-scoped route of every module takes. */
export const StudyParams = Type.Object({ studyId: Id() })
