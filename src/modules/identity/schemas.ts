import { Type, type Static } from 'typebox'
import { ROLE_ACTIONS } from './actions.js'

export const RoleActionSchema = Type.Enum(ROLE_ACTIONS)

export const MeSchema = Type.Object({
  tenant: Type.Object({ id: Type.Integer(), code: Type.String() }),
  user: Type.Object({ id: Type.Integer(), username: Type.String() }),
  actions: Type.Array(RoleActionSchema),
  authenticatedVia: Type.Union([Type.Literal('basic'), Type.Literal('bearer'), Type.Literal('session')]),
  tokenId: Type.Optional(Type.Integer()),
})
export type Me = Static<typeof MeSchema>
