import { EvThresholdsPatchSchema, EvThresholdsSchema } from '../tenant/ev-thresholds.js'
import { Type, type Static } from 'typebox'
import { RoleActionSchema } from '../schemas.js'
import { PageQuerySchema, Page } from '../../../http/pagination.js'
import { Id, Nullable } from '../../../http/schemas.js'

const Timestamp = Type.String({ format: 'date-time' })
export const Password = Type.String({ minLength: 1, maxLength: 255, description: 'Stored as argon2id only' })
const RoleName = Type.String({ minLength: 1, maxLength: 100 })

export const UserSchema = Type.Object({
  id: Id(),
  username: Type.String(),
  displayName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  active: Type.Boolean(),
  basicAuthEnabled: Type.Boolean(),
  lockedUntil: Nullable(Timestamp, {
    description: 'Set while the account is locked after repeated failed Basic logins',
  }),
  locked: Type.Boolean({ description: 'Locked after repeated failed logins (until lockedUntil)' }),
  mustChangePassword: Type.Boolean({
    description: 'An administrator set the password; the user must choose their own at the next sign-in',
  }),
  lastLoginAt: Nullable(Timestamp, { description: 'The last sign-in to the web app' }),
  roles: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type UserView = Static<typeof UserSchema>
export const UserPageSchema = Page(UserSchema)

export const UserListQuerySchema = Type.Object(
  {
    ...PageQuerySchema.properties,
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'Part of the username or display name (any case)' }),
    ),
  },
  { additionalProperties: false },
)
export type UserListQuery = Static<typeof UserListQuerySchema>

export const NewUserSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s:]+$' }),
    password: Type.Optional(Password),
    displayName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))),
    active: Type.Optional(Type.Boolean({ default: true })),
    basicAuthEnabled: Type.Optional(Type.Boolean({ default: false })),
    roles: Type.Optional(Type.Array(RoleName, { uniqueItems: true, maxItems: 50 })),
  },
  { additionalProperties: false },
)
export type NewUserBody = Static<typeof NewUserSchema>

export const UserPatchSchema = Type.Object(
  {
    displayName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))),
    active: Type.Optional(Type.Boolean()),
    basicAuthEnabled: Type.Optional(Type.Boolean()),
    roles: Type.Optional(
      Type.Array(RoleName, { uniqueItems: true, maxItems: 50, description: 'Replaces all roles' }),
    ),
    password: Type.Optional(Password),
    unlock: Type.Optional(Type.Boolean({ description: 'true clears a lockout after failed logins' })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UserPatch = Static<typeof UserPatchSchema>

export const UserParamsSchema = Type.Object({ userId: Id() })
export const TokenParamsSchema = Type.Object({ userId: Id(), tokenId: Id() })

const TokenSchema = Type.Object({
  id: Id(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the secret, to tell tokens apart' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
})
export type TokenView = Static<typeof TokenSchema>
export const TokenPageSchema = Page(TokenSchema)

export const CreatedTokenSchema = Type.Object({
  ...TokenSchema.properties,
  secret: Type.String({
    description: 'The token itself: shown this once, never again (only its hash is kept)',
  }),
})
export type CreatedTokenView = Static<typeof CreatedTokenSchema>

export const NewTokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    expiresAt: Type.Optional(Nullable(Timestamp)),
    expiresIn: Type.Optional(
      Type.String({
        pattern: '^([0-9]{1,12}(ms|s|m|h|d)|never)$',
        maxLength: 14,
        description:
          'Lifetime instead of expiresAt: 90s, 12h, 30d (at most 3650d), or never. Without either, the server ' +
          'default (TOKEN_DEFAULT_LIFETIME, 90 days unless configured)',
        examples: ['90d'],
      }),
    ),
  },
  { additionalProperties: false },
)
export type NewTokenBody = Static<typeof NewTokenSchema>

export const RoleSchema = Type.Object({
  id: Id(),
  name: Type.String(),
  description: Nullable(Type.String()),
  builtIn: Type.Boolean(),
  actions: Type.Array(RoleActionSchema),
  createdAt: Timestamp,
})
export type RoleView = Static<typeof RoleSchema>
export const RolePageSchema = Page(RoleSchema)

export const NewRoleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    actions: Type.Array(RoleActionSchema, { uniqueItems: true }),
  },
  { additionalProperties: false },
)
export type NewRoleBody = Static<typeof NewRoleSchema>

export const RoleParamsSchema = Type.Object({ roleId: Id() })

export const RolePatchSchema = Type.Object(
  {
    name: Type.Optional(NewRoleSchema.properties.name),
    description: Type.Optional(NewRoleSchema.properties.description),
    actions: Type.Optional(
      Type.Array(RoleActionSchema, { uniqueItems: true, description: 'Replaces all the role actions' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type RolePatch = Static<typeof RolePatchSchema>

export const RoleIfMatchHeadersSchema = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag of the role as last read; a stale one gets 412 and changes nothing',
    }),
  ),
})

export const IfMatchHeadersSchema = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'The ETag of the user as last read; a stale one gets 412 and changes nothing',
    }),
  ),
})

export const TenantSettingsSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  recruitEnabled: Type.Boolean({ description: 'Whether the Recruit API (the clinic website paths) answers' }),
  rateLimitMax: Nullable(Type.Integer({ minimum: 1 }), {
    description: "Requests per rate-limit window per token or user; null: the server's default",
  }),
  defaultRateLimitMax: Type.Integer({
    description: "The server's RATE_LIMIT_MAX, used when rateLimitMax is null",
  }),
  rateLimitWindowSeconds: Type.Integer(),
  evThresholds: EvThresholdsSchema,
})
export type TenantSettingsView = Static<typeof TenantSettingsSchema>

export const TenantSettingsPatchSchema = Type.Object(
  {
    recruitEnabled: Type.Optional(Type.Boolean()),
    rateLimitMax: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000 }), {
        description: "null goes back to the server's default",
      }),
    ),
    evThresholds: Type.Optional(EvThresholdsPatchSchema),
  },
  { additionalProperties: false, minProperties: 1 },
)
