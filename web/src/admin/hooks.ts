import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ok, withETag } from '../api/client'
import type { Body, NewRole, NewToken, NewUser, RolePatch, UserPatch } from '../api/types'

export const PAGE_SIZE = 50

export const keys = {
  users: ['admin', 'users'] as const,
  user: (id: number) => ['admin', 'user', id] as const,
  tokens: (id: number) => ['admin', 'user', id, 'tokens'] as const,
  roles: ['admin', 'roles'] as const,
  role: (id: number) => ['admin', 'role', id] as const,
  sites: (id: number) => ['admin', 'user', id, 'sites'] as const,
}

export function useUsers(q: string, cursor: string | undefined, limit = PAGE_SIZE, enabled = true) {
  return useQuery({
    queryKey: [...keys.users, { q, cursor, limit }],
    queryFn: () =>
      ok(
        api.GET('/api/v1/admin/users', {
          params: { query: { limit, ...(cursor ? { cursor } : {}), ...(q ? { q } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
    enabled,
  })
}

/** One user with the ETag its next update must send as `If-Match`. */
export function useUser(userId: number) {
  return useQuery({
    queryKey: keys.user(userId),
    queryFn: () => withETag(api.GET('/api/v1/admin/users/{userId}', { params: { path: { userId } } })),
  })
}

export function useCreateUser() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: NewUser) => ok(api.POST('/api/v1/admin/users', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.users }),
  })
}

export function useUpdateUser(userId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ patch, etag }: { patch: UserPatch; etag: string | undefined }) =>
      withETag(
        api.PATCH('/api/v1/admin/users/{userId}', {
          params: { path: { userId }, header: etag ? { 'if-match': etag } : {} },
          body: patch,
        }),
      ),
    onSuccess: async (answer) => {
      client.setQueryData(keys.user(userId), answer)
      await client.invalidateQueries({ queryKey: keys.users })
    },
  })
}

export function useTokens(userId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.tokens(userId),
    queryFn: () =>
      ok(
        api.GET('/api/v1/admin/users/{userId}/tokens', {
          params: { path: { userId }, query: { limit: 200 } },
        }),
      ),
    enabled,
  })
}

export function useCreateToken(userId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: NewToken) =>
      ok(api.POST('/api/v1/admin/users/{userId}/tokens', { params: { path: { userId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.tokens(userId) }),
  })
}

export function useRevokeToken(userId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (tokenId: number) =>
      ok(
        api.DELETE('/api/v1/admin/users/{userId}/tokens/{tokenId}', {
          params: { path: { userId, tokenId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.tokens(userId) }),
  })
}

/** Every role of the tenant (a tenant has few; the API pages at 200). */
export function useRoles(enabled = true) {
  return useQuery({
    queryKey: keys.roles,
    queryFn: () => ok(api.GET('/api/v1/admin/roles', { params: { query: { limit: 200 } } })),
    enabled,
  })
}

export function useCreateRole() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: NewRole) => ok(api.POST('/api/v1/admin/roles', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.roles }),
  })
}

/** One role with the ETag its next update must send as `If-Match`. */
export function useRole(roleId: number) {
  return useQuery({
    queryKey: keys.role(roleId),
    queryFn: () => withETag(api.GET('/api/v1/admin/roles/{roleId}', { params: { path: { roleId } } })),
  })
}

export function useUpdateRole(roleId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: ({ patch, etag }: { patch: RolePatch; etag: string | undefined }) =>
      withETag(
        api.PATCH('/api/v1/admin/roles/{roleId}', {
          params: { path: { roleId }, header: etag ? { 'if-match': etag } : {} },
          body: patch,
        }),
      ),
    onSuccess: async (answer) => {
      client.setQueryData(keys.role(roleId), answer)
      await client.invalidateQueries({ queryKey: keys.roles })
    },
  })
}

export type SiteRestriction = Body<'getVolunteerSiteRestriction'>

export function useSiteRestriction(userId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.sites(userId),
    queryFn: () =>
      ok(api.GET('/api/v1/volunteer-site-restrictions/{userId}', { params: { path: { userId } } })),
    enabled,
  })
}

export function useSetSiteRestriction(userId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (siteIds: number[]) =>
      ok(
        api.PUT('/api/v1/volunteer-site-restrictions/{userId}', {
          params: { path: { userId } },
          body: { siteIds },
        }),
      ),
    onSuccess: (data) => {
      client.setQueryData(keys.sites(userId), data)
    },
  })
}
