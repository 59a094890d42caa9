import type { Generated } from 'kysely'

/** A report run in the background; any instance may claim it. */
export interface ReportJobsTable {
  id: Generated<number>
  tenant_id: number
  user_id: number
  token_id: number | null
  report_name: string
  /** JSON text: the validated invokeReport parameters. */
  parameters: string
  format: string
  /** queued | running | succeeded | failed | expired */
  status: string
  rows: number
  attempts: number
  error: string | null
  /** The instance that holds the job while running, and when it last said so. */
  claimed_by: string | null
  heartbeat_at: string | null
  media_type: string | null
  filename: string | null
  size_bytes: number | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  expires_at: string | null
}

/** A job's result, in order, in chunks of about a megabyte (so every instance can serve it). */
export interface ReportJobChunksTable {
  job_id: number
  seq: number
  data: Uint8Array
}

export interface ReportsTables {
  report_jobs: ReportJobsTable
  report_job_chunks: ReportJobChunksTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends ReportsTables {}
}
