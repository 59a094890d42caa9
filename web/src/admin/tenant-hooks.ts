import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ok } from '../api/client'

export interface TenantSettings {
  recruitEnabled: boolean
  rateLimitMax: number | null
}

const tenantKey = ['admin', 'tenant'] as const

export function useTenant() {
  return useQuery({ queryKey: tenantKey, queryFn: () => ok(api.GET('/api/v1/admin/tenant')) })
}

export function useUpdateTenant() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: TenantSettings) => ok(api.PATCH('/api/v1/admin/tenant', { body })),
    onSuccess: (data) => {
      client.setQueryData(tenantKey, data)
    },
  })
}
