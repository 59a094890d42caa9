import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ok } from '../api/client'

import type { RequestBody } from '../api/types'

export type TenantPatch = RequestBody<'updateTenantSettings'>
export type TenantSettings = Required<Pick<TenantPatch, 'recruitEnabled' | 'rateLimitMax'>>

const tenantKey = ['admin', 'tenant'] as const

/** The signed-in user's tenant: its name and code, and the settings a tenant administrator may change. */
export function useTenant(enabled = true) {
  return useQuery({
    queryKey: tenantKey,
    queryFn: () => ok(api.GET('/api/v1/admin/tenant')),
    enabled,
    staleTime: 60_000,
  })
}

export function useUpdateTenant() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: TenantPatch) => ok(api.PATCH('/api/v1/admin/tenant', { body })),
    onSuccess: (data) => {
      client.setQueryData(tenantKey, data)
    },
  })
}
