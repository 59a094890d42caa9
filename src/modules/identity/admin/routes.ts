import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ModulePlugin } from '../../index.js'
import { AUTH_ERRORS, errorResponses } from '../../../http/schemas.js'
import {
  CreatedTokenSchema,
  IfMatchHeadersSchema,
  NewRoleSchema,
  NewTokenSchema,
  NewUserSchema,
  RoleIfMatchHeadersSchema,
  RolePageSchema,
  RoleParamsSchema,
  RolePatchSchema,
  RoleSchema,
  TokenPageSchema,
  TokenParamsSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserParamsSchema,
  UserPatchSchema,
  UserSchema,
} from './schemas.js'
import { AdminService } from './service.js'
import { RoleAdminService } from './role-service.js'
import { callerOf } from '../grant-rule.js'
import { PageQuerySchema } from '../../../http/pagination.js'
import { requirePrincipal } from '../../../http/principal.js'

const tags = ['admin']
const ETagHeader = { ETag: Type.String({ description: 'Send it back as If-Match to update safely' }) }

/** `/api/v1/admin/*`: users, their API tokens, and roles of the caller's tenant. */
const adminRoutes: ModulePlugin = async (plain, { ctx }) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const service = AdminService.of(ctx)
  const roles = RoleAdminService.of(ctx)

  app.get(
    '/api/v1/admin/users',
    {
      config: { action: 'admin.users.view' },
      schema: {
        summary: 'List the users of your tenant',
        tags,
        operationId: 'listUsers',
        querystring: UserListQuerySchema,
        response: { 200: UserPageSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => service.listUsers(requirePrincipal(request).tenantId, request.query),
  )

  app.post(
    '/api/v1/admin/users',
    {
      config: { action: 'admin.users.manage' },
      schema: {
        summary: 'Create a user (Basic authentication stays off unless basicAuthEnabled is true)',
        tags,
        operationId: 'createUser',
        body: NewUserSchema,
        response: {
          201: { ...UserSchema, headers: ETagHeader },
          ...errorResponses([...AUTH_ERRORS, 409, 415, 422]),
        },
      },
    },
    async (request, reply) => {
      const { user, etag } = await service.createUser(
        requirePrincipal(request).tenantId,
        request.body,
        callerOf(request),
      )
      return reply
        .code(201)
        .header('ETag', etag)
        .header('Location', `/api/v1/admin/users/${user.id}`)
        .send(user)
    },
  )

  app.get(
    '/api/v1/admin/users/:userId',
    {
      config: { action: 'admin.users.view' },
      schema: {
        summary: 'One user, with an ETag for safe updates',
        tags,
        operationId: 'getUser',
        params: UserParamsSchema,
        response: { 200: { ...UserSchema, headers: ETagHeader }, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request, reply) => {
      const { user, etag } = await service.getUser(requirePrincipal(request).tenantId, request.params.userId)
      return reply.header('ETag', etag).send(user)
    },
  )

  app.patch(
    '/api/v1/admin/users/:userId',
    {
      config: { action: 'admin.users.manage' },
      schema: {
        summary: 'Change flags, roles or the password of a user; unlock a locked account',
        description:
          'Only the fields sent change. `roles` replaces the whole set; you can only add roles whose actions ' +
          'you hold yourself, and only change users who hold no action you lack.',
        tags,
        operationId: 'updateUser',
        params: UserParamsSchema,
        headers: IfMatchHeadersSchema,
        body: UserPatchSchema,
        response: {
          200: { ...UserSchema, headers: ETagHeader },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 412, 415, 422]),
        },
      },
    },
    async (request, reply) => {
      const { user, etag } = await service.updateUser(
        requirePrincipal(request).tenantId,
        request.params.userId,
        request.body,
        callerOf(request),
        request.headers['if-match'],
      )
      return reply.header('ETag', etag).send(user)
    },
  )

  app.get(
    '/api/v1/admin/users/:userId/tokens',
    {
      config: { action: 'admin.users.tokens.view' },
      schema: {
        summary: "List a user's API tokens (never their secrets)",
        tags,
        operationId: 'listTokens',
        params: UserParamsSchema,
        querystring: PageQuerySchema,
        response: { 200: TokenPageSchema, ...errorResponses([...AUTH_ERRORS, 404, 422]) },
      },
    },
    async (request) =>
      service.listTokens(requirePrincipal(request).tenantId, request.params.userId, request.query),
  )

  app.post(
    '/api/v1/admin/users/:userId/tokens',
    {
      config: { action: 'admin.users.tokens.manage' },
      schema: {
        summary: 'Create an API token for a user; its secret is in this response and nowhere else, ever',
        tags,
        operationId: 'createToken',
        params: UserParamsSchema,
        body: NewTokenSchema,
        response: { 201: CreatedTokenSchema, ...errorResponses([...AUTH_ERRORS, 404, 415, 422]) },
      },
    },
    async (request, reply) => {
      const { userId } = request.params
      const token = await service.createToken(
        requirePrincipal(request).tenantId,
        userId,
        request.body,
        callerOf(request),
      )
      return reply.code(201).header('Cache-Control', 'no-store').send(token)
    },
  )

  app.delete(
    '/api/v1/admin/users/:userId/tokens/:tokenId',
    {
      config: { action: 'admin.users.tokens.manage' },
      schema: {
        summary: 'Revoke an API token; it stops working on the next request',
        tags,
        operationId: 'revokeToken',
        params: TokenParamsSchema,
        response: { 204: Type.Null({ description: 'Revoked' }), ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request, reply) => {
      const { userId, tokenId } = request.params
      await service.revokeToken(requirePrincipal(request).tenantId, userId, tokenId, callerOf(request))
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/admin/roles',
    {
      config: { action: 'admin.users.view' },
      schema: {
        summary: 'List the roles of your tenant (built-in and custom) with their role actions',
        tags,
        operationId: 'listRoles',
        querystring: PageQuerySchema,
        response: { 200: RolePageSchema, ...errorResponses([...AUTH_ERRORS, 422]) },
      },
    },
    async (request) => roles.listRoles(requirePrincipal(request).tenantId, request.query),
  )

  app.post(
    '/api/v1/admin/roles',
    {
      config: { action: 'admin.roles.manage' },
      schema: {
        summary: 'Create a custom role; it may only hold role actions you hold yourself',
        tags,
        operationId: 'createRole',
        body: NewRoleSchema,
        response: { 201: RoleSchema, ...errorResponses([...AUTH_ERRORS, 409, 415, 422]) },
      },
    },
    async (request, reply) => {
      const role = await roles.createRole(requirePrincipal(request).tenantId, request.body, callerOf(request))
      return reply.code(201).send(role)
    },
  )

  app.get(
    '/api/v1/admin/roles/:roleId',
    {
      config: { action: 'admin.users.view' },
      schema: {
        summary: 'One role with its role actions, and an ETag for safe updates',
        tags,
        operationId: 'getRole',
        params: RoleParamsSchema,
        response: { 200: { ...RoleSchema, headers: ETagHeader }, ...errorResponses([...AUTH_ERRORS, 404]) },
      },
    },
    async (request, reply) => {
      const { role, etag } = await roles.getRole(requirePrincipal(request).tenantId, request.params.roleId)
      return reply.header('ETag', etag).send(role)
    },
  )

  app.patch(
    '/api/v1/admin/roles/:roleId',
    {
      config: { action: 'admin.roles.manage' },
      schema: {
        summary: 'Rename a custom role, change its description or its role actions',
        description:
          'Only the fields sent change; `actions` replaces the whole set, and takes effect on the next request ' +
          'of every user holding the role. Built-in roles cannot be changed (409). You may only change a role ' +
          'whose actions, before and after, you all hold yourself (403 names the ones you lack).',
        tags,
        operationId: 'updateRole',
        params: RoleParamsSchema,
        headers: RoleIfMatchHeadersSchema,
        body: RolePatchSchema,
        response: {
          200: { ...RoleSchema, headers: ETagHeader },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 412, 415, 422]),
        },
      },
    },
    async (request, reply) => {
      const { role, etag } = await roles.updateRole(
        requirePrincipal(request).tenantId,
        request.params.roleId,
        request.body,
        callerOf(request),
        request.headers['if-match'],
      )
      return reply.header('ETag', etag).send(role)
    },
  )
}

export default adminRoutes
