import type { Generated } from 'kysely'

/** A study (protocol). Track, Recruit and Report each hang their own tables on it by `study_id`. */
export interface StudiesTable {
  id: Generated<number>
  tenant_id: number
  /** The protocol identifier, unique in the tenant (e.g. `DEMO-PK-01`). */
  protocol: string
  name: string
  phase: string | null
  sponsor: string | null
  compound: string | null
  /** planned | recruiting | active | completed | closed */
  status: string
  description: string | null
  created_at: string
  updated_at: string
}

/** A clinic site running a study; `site_id` is the integer the Partner API speaks of. */
export interface StudySitesTable {
  id: Generated<number>
  tenant_id: number
  study_id: number
  site_id: number
  name: string
  location_oid: string | null
  created_at: string
}

export interface StudiesTables {
  studies: StudiesTable
  study_sites: StudySitesTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends StudiesTables {}
}
