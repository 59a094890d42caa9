import { useQuery } from '@tanstack/react-query'
import { api, ok } from '../api/client'
import type { Body } from '../api/types'

export type Performance = Body<'getPlanPerformance'>
export type Figures = Performance['plan']

/** Earned value of a plan at a status date, as `/api/v1/plans/{id}/performance` computes it. */
export function usePerformance(planId: number, statusDate: string) {
  return useQuery({
    queryKey: ['performance', planId, statusDate],
    queryFn: () =>
      ok(
        api.GET('/api/v1/plans/{planId}/performance', {
          params: { path: { planId }, query: { statusDate } },
        }),
      ),
    enabled: planId > 0 && /^\d{4}-\d{2}-\d{2}$/.test(statusDate),
  })
}
