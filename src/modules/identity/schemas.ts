import { Type, type Static } from 'typebox'
import { ROLE_ACTIONS } from './actions.js'

export const RoleActionSchema = Type.Enum(ROLE_ACTIONS)

export const MeSchema = Type.Object({
  tenant: Type.Object({ id: Type.Integer(), code: Type.String() }),
  user: Type.Object({ id: Type.Integer(), username: Type.String() }),
  actions: Type.Array(RoleActionSchema),
  authenticatedVia: Type.Union([Type.Literal('basic'), Type.Literal('bearer'), Type.Literal('session')]),
  tokenId: Type.Optional(Type.Integer()),
  mustChangePassword: Type.Optional(
    Type.Boolean({
      description:
        'Sessions only: an administrator set the password, and until PUT /api/v1/me/password this session may ' +
        'only read /api/v1/me, change the password and sign out',
    }),
  ),
})
export type Me = Static<typeof MeSchema>
