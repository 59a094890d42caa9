import { Type, type Static } from 'typebox'
import { PageQuerySchema, Page } from '../../http/pagination.js'
import { Id, Nullable } from '../../http/schemas.js'

const Timestamp = Type.String({ format: 'date-time' })

const AuditRecordSchema = Type.Object({
  seq: Id({ description: "Position in the tenant's hash chain, from 1" }),
  at: Timestamp,
  actor: Type.Object({
    kind: Type.String({ description: 'token, basic, session, system or anonymous (a failed login)' }),
    userId: Nullable(Id()),
    tokenId: Nullable(Id()),
  }),
  action: Type.String({ description: 'What happened, e.g. user.update, token.revoke, auth.failed' }),
  entityType: Type.String(),
  entityId: Nullable(Type.String()),
  before: Type.Unknown({ description: 'The changed fields before (null when created)' }),
  after: Type.Unknown({ description: 'The changed fields after (null when removed)' }),
  reasonForChange: Nullable(Type.String()),
  requestId: Nullable(Type.String()),
  prevHash: Nullable(Type.String()),
  hash: Type.String({ description: 'SHA-256 over this record and prevHash' }),
})
export type AuditRecord = Static<typeof AuditRecordSchema>
export const AuditPageSchema = Page(AuditRecordSchema)

export const AuditQuerySchema = Type.Object(
  {
    ...PageQuerySchema.properties,
    entityType: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. user, api_token, role' })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    actorUserId: Type.Optional(Id({ description: 'Only what this user did' })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after (inclusive)' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Before (exclusive)' })),
  },
  { additionalProperties: false },
)
export type AuditQuery = Static<typeof AuditQuerySchema>

export const AuditVerificationSchema = Type.Object({
  ok: Type.Boolean({ description: 'true when every record chains to the one before and matches its hash' }),
  checkedRecords: Type.Integer({ minimum: 0 }),
  firstBroken: Nullable(
    Type.Object({
      seq: Type.Integer(),
      id: Type.Integer(),
      problem: Type.String({ description: 'What is wrong: missing, prev_hash, content, or removed after' }),
    }),
    { description: 'The first record where the chain breaks; null when it is intact' },
  ),
})
