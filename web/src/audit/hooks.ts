import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, ok } from '../api/client'

export interface AuditFilters {
  entityType: string
  action: string
  actorUserId: string
  from: string
  to: string
}

/** A day in the browser's time zone as the instant it starts (`to` is exclusive, so its next day). */
function dayStart(day: string, plusDays = 0): string {
  const d = new Date(`${day}T00:00:00`)
  d.setDate(d.getDate() + plusDays)
  return d.toISOString()
}

export function useAudit(f: AuditFilters, cursor: string | undefined) {
  const query = {
    limit: 50,
    ...(cursor ? { cursor } : {}),
    ...(f.entityType ? { entityType: f.entityType } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(/^\d+$/.test(f.actorUserId) ? { actorUserId: Number(f.actorUserId) } : {}),
    ...(f.from ? { from: dayStart(f.from) } : {}),
    ...(f.to ? { to: dayStart(f.to, 1) } : {}),
  }
  return useQuery({
    queryKey: ['audit', query],
    queryFn: () => ok(api.GET('/api/v1/audit', { params: { query } })),
    placeholderData: keepPreviousData,
  })
}

export function useAuditVerification() {
  return useQuery({
    queryKey: ['audit', 'verification'],
    queryFn: () => ok(api.GET('/api/v1/audit/verification')),
    staleTime: 60_000,
  })
}
