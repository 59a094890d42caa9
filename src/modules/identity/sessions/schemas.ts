import { Type, type Static } from 'typebox'
import { Password } from '../admin/schemas.js'
import { Nullable } from '../../../http/schemas.js'

export const SignInSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 255 }),
    customerCode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        description: "The tenant; otherwise the host's first label, or the only tenant there is",
      }),
    ),
  },
  { additionalProperties: false },
)

export const SessionSchema = Type.Object({
  expiresAt: Type.String({ format: 'date-time', description: 'The session ends then, whatever happens' }),
  idleExpiresAt: Type.String({
    format: 'date-time',
    description: 'The session ends then unless another request comes first (each one moves it on)',
  }),
  mustChangePassword: Type.Boolean({
    description: 'An administrator set the password: PUT /api/v1/me/password before anything else',
  }),
  user: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Nullable(Type.String()),
  }),
  tenant: Type.Object({ code: Type.String(), name: Type.String() }),
})
export type SessionView = Static<typeof SessionSchema>

export const PasswordChangeSchema = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 255 }),
    newPassword: Password,
  },
  { additionalProperties: false },
)
export type PasswordChangeBody = Static<typeof PasswordChangeSchema>
