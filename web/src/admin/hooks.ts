import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { useEffect } from 'react'
import { api, ok, withETag } from '../api/client'
import { allItems } from '../api/pages'
import type { NewRole, NewToken, NewUser, RolePatch, UserPatch } from '../api/types'

const PAGE_SIZE = 50

const keys = {
  users: ['admin', 'users'] as const,
  user: (id: number) => ['admin', 'user', id] as const,
  tokens: (id: number) => ['admin', 'user', id, 'tokens'] as const,
  roles: ['admin', 'roles'] as const,
  role: (id: number) => ['admin', 'role', id] as const,
  sites: (id: number) => ['admin', 'user', id, 'sites'] as const,
  allSites: ['admin', 'study-sites'] as const,
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

/** The most users one call answers (the API's `limit` bound). */
const USERS_PER_LOAD = 200

/** Users loaded without waiting for the view to ask: a tenant of a few thousand is in the table whole. */
const LOAD_AHEAD = 2000

/**
 * All users matching `q`, 200 per call. After the first page, the next ones load one after another in the
 * background (each call starts as soon as the previous one answers, not when the screen has drawn it) until
 * LOAD_AHEAD users are loaded; past that, the table asks for more (`fetchNextPage`) as the view nears the end.
 */
export function useUserList(q: string) {
  const users = useInfiniteQuery({
    queryKey: [...keys.users, 'all', { q }],
    queryFn: ({ pageParam }) =>
      ok(
        api.GET('/api/v1/admin/users', {
          params: {
            query: {
              limit: USERS_PER_LOAD,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(q ? { q } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  })
  const { fetchNextPage } = users
  const firstLoaded = users.isSuccess && !users.isPlaceholderData
  useEffect(() => {
    if (!firstLoaded) return
    const run = { stopped: false }
    void (async () => {
      let before = -1
      for (;;) {
        const now = await fetchNextPage({ cancelRefetch: false })
        const loaded = now.data?.pages.reduce((n, p) => n + p.items.length, 0) ?? 0
        // A failed call adds nothing: stop there (the table shows the error) rather than retry in a loop.
        if (run.stopped || !now.hasNextPage || loaded <= before || loaded >= LOAD_AHEAD) return
        before = loaded
      }
    })()
    return () => {
      run.stopped = true
    }
  }, [firstLoaded, fetchNextPage, q])
  return users
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

/** A study site as the volunteer-site picker offers it. */
export interface SiteChoice {
  siteId: number
  name: string
  study: string
}

/** Every site of every study of the tenant (needs `studies.view`), sorted by study, then site name. */
export function useAllSites(enabled: boolean) {
  return useQuery({
    queryKey: keys.allSites,
    enabled,
    queryFn: async (): Promise<SiteChoice[]> => {
      const studies = await allItems((query) => ok(api.GET('/api/v1/studies', { params: { query } })))
      const perStudy = await Promise.all(
        studies.map(async (study) => {
          const sites = await allItems((query) =>
            ok(
              api.GET('/api/v1/studies/{studyId}/sites', { params: { path: { studyId: study.id }, query } }),
            ),
          )
          return sites.map((site) => ({ siteId: site.siteId, name: site.name, study: study.name }))
        }),
      )
      return perStudy.flat().sort((a, b) => a.study.localeCompare(b.study) || a.name.localeCompare(b.name))
    },
  })
}
