import { useQuery } from '@tanstack/react-query'
import { getActuals, listStudies, type Resource } from './api'

export const actualsKey = (planId: number, resource: Resource) => ['track', planId, resource] as const

export function useStudies() {
  return useQuery({ queryKey: ['track', 'studies'], queryFn: listStudies, staleTime: 60_000 })
}

/** A resource's actuals as last read; not refetched behind the user's back while they edit (the draft keeps its base). */
export function useActuals(planId: number, resource: Resource) {
  return useQuery({
    queryKey: actualsKey(planId, resource),
    queryFn: () => getActuals(planId, resource),
    staleTime: 15_000,
  })
}
