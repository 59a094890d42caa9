import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, ApiError, ok } from '../api/client'
import type { Body, RequestBody } from '../api/types'

export type ReportInfo = Body<'listReports'>['reports'][number]
export type ReportParameter = ReportInfo['parameters'][number]
export type ReportStudy = Body<'listReportStudies'>['items'][number]
export type Job = Body<'getReportJob'>
export type RunInput = RequestBody<'invokeReport'>

const ACTIVE = new Set<Job['status']>(['queued', 'running'])
export const isActive = (job: Pick<Job, 'status'>) => ACTIVE.has(job.status)

/** The report catalogue as this tenant offers it: each report's parameters, formats and the action it needs. */
export function useCatalogue() {
  return useQuery({
    queryKey: ['reports', 'catalogue'],
    queryFn: () => ok(api.GET('/api/v1/reports')),
    staleTime: 5 * 60_000,
  })
}

/** The studies this account may run reports on (restricted ones are not in it), with their timepoints. */
export function useReportStudies() {
  return useQuery({
    queryKey: ['reports', 'studies'],
    queryFn: () => ok(api.GET('/api/v1/reports/studies', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  })
}

/** The user's recent jobs, polled every two seconds while one of them is still queued or running. */
export function useMyJobs() {
  return useQuery({
    queryKey: ['reports', 'jobs'],
    queryFn: () => ok(api.GET('/api/v1/reports/jobs', { params: { query: { limit: 20 } } })),
    refetchInterval: (q) => (q.state.data?.items.some(isActive) ? 2000 : false),
  })
}

/** One job, polled every second until it has finished. */
export function useJob(id: number) {
  return useQuery({
    queryKey: ['reports', 'jobs', id],
    queryFn: () => ok(api.GET('/api/v1/reports/jobs/{id}', { params: { path: { id } } })),
    enabled: id > 0,
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data) ? false : 1000),
  })
}

export function useSubmitJob() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: RunInput) => ok(api.POST('/api/v1/reports/jobs', { body })),
    onSuccess: (job) => {
      client.setQueryData(['reports', 'jobs', job.id], job)
      void client.invalidateQueries({ queryKey: ['reports', 'jobs'], exact: true })
    },
  })
}

function filenameOf(response: Response, fallback: string): string {
  const header = response.headers.get('content-disposition') ?? ''
  return /filename="([^"]+)"/.exec(header)?.[1] ?? fallback
}

/** Runs a report now and hands the file to the browser as a download (for runs small enough to wait for). */
export function useDownloadNow() {
  return useMutation({
    mutationFn: async (body: RunInput) => {
      const { data, error, response } = await api.POST('/api/v1/invokeReport', { body, parseAs: 'blob' })
      if (!response.ok) throw new ApiError(response, error)
      const filename = filenameOf(response, `${body.reportName}.${body.format ?? 'csv'}`)
      const url = URL.createObjectURL(data as Blob)
      const a = document.createElement('a')
      a.href = url
      a.download = filename
      document.body.append(a)
      a.click()
      a.remove()
      setTimeout(() => {
        URL.revokeObjectURL(url)
      }, 60_000)
      return filename
    },
  })
}
