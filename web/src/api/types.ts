import type { operations } from '@trialdeck/client'

/** The JSON body an operation answers with `status`, straight from the generated types. */
export type Body<
  Op extends keyof operations,
  Status extends number = 200,
> = operations[Op]['responses'] extends {
  [S in Status]: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type Me = Body<'getMe'>
export type User = Body<'listUsers'>['items'][number]
export type Token = Body<'listTokens'>['items'][number]
export type CreatedToken = Body<'createToken', 201>
export type Role = Body<'listRoles'>['items'][number]
export type AuditRecord = Body<'listAudit'>['items'][number]
export type RoleAction = Role['actions'][number]

/** The JSON body an operation takes. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

export type NewUser = RequestBody<'createUser'>
export type UserPatch = RequestBody<'updateUser'>
export type NewToken = RequestBody<'createToken'>
export type NewRole = RequestBody<'createRole'>
export type RolePatch = RequestBody<'updateRole'>
