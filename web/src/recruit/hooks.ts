import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ok, withETag } from '../api/client'
import { allItems } from '../api/pages'
import type { Body, RequestBody } from '../api/types'

export type Study = Body<'listStudies'>['items'][number]
export type Profile = Body<'getRecruitmentProfile'>
export type ProfileInput = RequestBody<'putRecruitmentProfile'>
export type Site = Body<'listStudySites'>['items'][number]
export type Slot = Body<'listSlots'>['items'][number]
export type Question = Body<'listVolunteerQuestions'>['items'][number]
export type QuestionInput = RequestBody<'updateVolunteerQuestion'>
export type Volunteer = Body<'listVolunteers'>['items'][number]

export const keys = {
  studies: ['recruit', 'studies'] as const,
  study: (id: number) => ['recruit', 'study', id] as const,
  profile: (id: number) => ['recruit', 'study', id, 'profile'] as const,
  sites: (id: number) => ['recruit', 'study', id, 'sites'] as const,
  cohorts: (id: number) => ['recruit', 'study', id, 'cohorts'] as const,
  slots: (id: number, siteId: number) => ['recruit', 'study', id, 'sites', siteId, 'slots'] as const,
  slotsBetween: (id: number, siteId: number, range: SlotRange) =>
    ['recruit', 'study', id, 'sites', siteId, 'slots', range.from, range.to] as const,
  funnel: (id: number) => ['recruit', 'study', id, 'funnel'] as const,
  questions: ['recruit', 'questions'] as const,
  volunteers: ['recruit', 'volunteers'] as const,
  volunteer: (id: number) => ['recruit', 'volunteer', id] as const,
}

export function useStudies() {
  return useQuery({
    queryKey: keys.studies,
    queryFn: () => ok(api.GET('/api/v1/studies', { params: { query: { limit: 500 } } })),
  })
}

/** Each study's recruitment profile (one request per study; a clinic runs tens of studies, not thousands). */
export function useProfiles(studyIds: number[]) {
  return useQueries({
    queries: studyIds.map((studyId) => ({
      queryKey: keys.profile(studyId),
      queryFn: () => ok(api.GET('/api/v1/studies/{studyId}/recruitment', { params: { path: { studyId } } })),
    })),
  })
}

export function useStudy(studyId: number) {
  return useQuery({
    queryKey: keys.study(studyId),
    queryFn: () => withETag(api.GET('/api/v1/studies/{studyId}', { params: { path: { studyId } } })),
  })
}

export function useProfile(studyId: number) {
  return useQuery({
    queryKey: keys.profile(studyId),
    queryFn: () => ok(api.GET('/api/v1/studies/{studyId}/recruitment', { params: { path: { studyId } } })),
  })
}

export function sitesOf(studyId: number): Promise<Site[]> {
  return allItems((query) =>
    ok(api.GET('/api/v1/studies/{studyId}/sites', { params: { path: { studyId }, query } })),
  )
}

export function useSites(studyId: number, enabled = true) {
  return useQuery({
    queryKey: keys.sites(studyId),
    queryFn: () => sitesOf(studyId),
    enabled,
  })
}

export function useCohorts(studyId: number) {
  return useQuery({
    queryKey: keys.cohorts(studyId),
    queryFn: () =>
      allItems((query) =>
        ok(api.GET('/api/v1/studies/{studyId}/cohorts', { params: { path: { studyId }, query } })),
      ),
  })
}

export function useQuestions() {
  return useQuery({
    queryKey: keys.questions,
    queryFn: () => allItems((query) => ok(api.GET('/api/v1/volunteer-questions', { params: { query } }))),
  })
}

/** Instants (ISO): slots starting at or after `from` and before `to`. */
export interface SlotRange {
  from: string
  to: string
}

/** A site's slots starting in `range` (the server filters: `listSlots` with `from` and `to`). */
export function useSlots(studyId: number, siteId: number, range: SlotRange) {
  return useQuery({
    queryKey: keys.slotsBetween(studyId, siteId, range),
    queryFn: () =>
      allItems((query) =>
        ok(
          api.GET('/api/v1/studies/{studyId}/sites/{siteId}/slots', {
            params: { path: { studyId, siteId }, query: { ...query, ...range } },
          }),
        ),
      ),
    placeholderData: keepPreviousData,
  })
}

/** Every site of the tenant's studies, once per siteId (a question names a site of the tenant, not of a study). */
export function useTenantSites() {
  const studies = useStudies()
  const sites = useQueries({
    queries: (studies.data?.items ?? []).map((s) => ({
      queryKey: keys.sites(s.id),
      queryFn: () => sitesOf(s.id),
    })),
  })
  const byId = new Map<number, Site>()
  for (const q of sites)
    for (const site of q.data ?? []) if (!byId.has(site.siteId)) byId.set(site.siteId, site)
  return {
    sites: [...byId.values()].sort((a, b) => a.siteId - b.siteId),
    isPending: studies.isPending || sites.some((q) => q.isPending),
    error: studies.error ?? sites.find((q) => q.error)?.error ?? null,
  }
}

export function useUpdateQuestion(questionId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: QuestionInput) =>
      ok(
        api.PUT('/api/v1/volunteer-questions/{questionId}', {
          params: { path: { questionId } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.questions }),
  })
}

export function useDeleteSite(studyId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (siteId: number) =>
      ok(
        api.DELETE('/api/v1/studies/{studyId}/sites/{siteId}', {
          params: { path: { studyId, siteId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sites(studyId) }),
  })
}

export function usePutProfile(studyId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: ProfileInput) =>
      ok(api.PUT('/api/v1/studies/{studyId}/recruitment', { params: { path: { studyId } }, body })),
    onSuccess: (profile) => {
      client.setQueryData(keys.profile(studyId), profile)
    },
  })
}

export function useCreateSite(studyId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: RequestBody<'createStudySite'>) =>
      ok(api.POST('/api/v1/studies/{studyId}/sites', { params: { path: { studyId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.sites(studyId) }),
  })
}

export function useCreateCohort(studyId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: RequestBody<'createCohort'>) =>
      ok(api.POST('/api/v1/studies/{studyId}/cohorts', { params: { path: { studyId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.cohorts(studyId) }),
  })
}

export function useDeleteCohort(studyId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (cohortId: number) =>
      ok(
        api.DELETE('/api/v1/studies/{studyId}/cohorts/{cohortId}', {
          params: { path: { studyId, cohortId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.cohorts(studyId) }),
  })
}

export function useCreateSlot(studyId: number, siteId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: RequestBody<'createSlot'>) =>
      ok(
        api.POST('/api/v1/studies/{studyId}/sites/{siteId}/slots', {
          params: { path: { studyId, siteId } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.slots(studyId, siteId) }),
  })
}

export function useDeleteSlot(studyId: number, siteId: number) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (slotId: number) =>
      ok(
        api.DELETE('/api/v1/studies/{studyId}/sites/{siteId}/slots/{slotId}', {
          params: { path: { studyId, siteId, slotId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.slots(studyId, siteId) }),
  })
}

export interface VolunteerFilters {
  q: string
  siteId: string
  studyId: string
  status: string
}

export function useVolunteers(f: VolunteerFilters, cursor: string | undefined) {
  const stage = ['interested', 'booked', 'screened', 'enrolled'] as const
  const status = stage.find((s) => s === f.status)
  const query = {
    limit: 50,
    ...(cursor ? { cursor } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(/^\d+$/.test(f.siteId) ? { siteId: Number(f.siteId) } : {}),
    ...(/^\d+$/.test(f.studyId) ? { studyId: Number(f.studyId) } : {}),
    ...(status ? { status } : {}),
  }
  return useQuery({
    queryKey: [...keys.volunteers, query],
    queryFn: () => ok(api.GET('/api/v1/volunteers', { params: { query } })),
    placeholderData: keepPreviousData,
  })
}

export function useVolunteer(volunteerId: number) {
  return useQuery({
    queryKey: keys.volunteer(volunteerId),
    queryFn: () => ok(api.GET('/api/v1/volunteers/{volunteerId}', { params: { path: { volunteerId } } })),
  })
}

/** The audit records of one volunteer (needs `audit.view`). */
export function useVolunteerHistory(volunteerId: number, enabled: boolean) {
  return useQuery({
    queryKey: ['audit', 'volunteer', volunteerId],
    queryFn: () =>
      ok(
        api.GET('/api/v1/audit', {
          params: { query: { entityType: 'volunteer', entityId: String(volunteerId), limit: 100 } },
        }),
      ),
    enabled,
  })
}

export interface FunnelRow {
  siteId: number | null
  siteName: string
  volunteers: number
  interested: number
  booked: number
  screened: number
  enrolled: number
}

/** The `recruitment-funnel` report itself, run as JSON: the chart shows exactly the report's figures. */
export function useFunnel(studyId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.funnel(studyId),
    queryFn: async (): Promise<FunnelRow[]> => {
      const rows = (await ok(
        api.POST('/api/v1/invokeReport', {
          body: { reportName: 'recruitment-funnel', studyId, format: 'json' },
        }),
      )) as Record<string, string | number | null>[]
      return rows.map((r) => ({
        siteId: r.SITEID === null || r.SITEID === undefined ? null : Number(r.SITEID),
        siteName: String(r.SITENAME ?? ''),
        volunteers: Number(r.VOLUNTEERS),
        interested: Number(r.INTERESTED),
        booked: Number(r.BOOKED),
        screened: Number(r.SCREENED),
        enrolled: Number(r.ENROLLED),
      }))
    },
    enabled,
  })
}
