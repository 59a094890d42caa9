import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ApiError, ok } from '../api/client'
import type { Me, RoleAction } from '../api/types'

export const meKey = ['me'] as const

/** Who is signed in; `null` when nobody is (the API answered 401). */
export const meQuery = {
  queryKey: meKey,
  queryFn: async (): Promise<Me | null> => {
    try {
      return await ok(api.GET('/api/v1/me'))
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null
      throw e
    }
  },
  staleTime: 30_000,
  retry: false,
}

export function useMe() {
  return useQuery(meQuery)
}

/** Whether the signed-in user holds a role action (the server decides anyway; this only hides what it would refuse). */
export function can(me: Me | null | undefined, action: RoleAction): boolean {
  return me?.actions.includes(action) ?? false
}

/** The customer code the address names: the host's first label, as the server resolves it (`acme.example.org`). */
export function customerCodeFromHost(hostname: string): string {
  const label = hostname.split('.')[0] ?? ''
  return hostname.includes('.') && !/^[\d.]+$/.test(hostname) && !hostname.includes(':') ? label : ''
}

export interface SignInFields {
  username: string
  password: string
  customerCode: string
}

export function useSignIn() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (f: SignInFields) =>
      ok(
        api.POST('/api/v1/sessions', {
          body: {
            username: f.username,
            password: f.password,
            ...(f.customerCode.trim() ? { customerCode: f.customerCode.trim() } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      client.clear()
      await client.invalidateQueries({ queryKey: meKey })
    },
  })
}

export function useSignOut(everywhere: boolean) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: () =>
      ok(everywhere ? api.DELETE('/api/v1/sessions') : api.DELETE('/api/v1/sessions/current')),
    onSettled: () => {
      client.clear()
      client.setQueryData(meKey, null)
    },
  })
}

export function useChangePassword() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      ok(api.PUT('/api/v1/me/password', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  })
}
