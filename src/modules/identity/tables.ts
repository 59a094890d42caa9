import type { Generated } from 'kysely'

export interface TenantsTable {
  id: Generated<number>
  code: string
  /** lower(code): what lookups use, so `DEMO`, `demo` and a host label `demo` all find the tenant. */
  code_key: string
  name: string
  /** JSON text: `{ "recruitEnabled": true, "rateLimitMax": 600, … }` */
  settings: string
  /** Per-tenant audit chain: how many records, and the hash of the newest. */
  audit_seq: Generated<number>
  audit_head: string | null
  created_at: string
}

export interface UsersTable {
  id: Generated<number>
  tenant_id: number
  username: string
  display_name: string | null
  email: string | null
  password_hash: string | null
  active: number
  basic_auth_enabled: number
  failed_logins: Generated<number>
  locked_until: string | null
  /** Bumped whenever password, flags or roles change: cached verifications of older versions are void. */
  credentials_version: Generated<number>
  /** The user's ETag: bumped by every change through the admin API (migration 0010). */
  version: Generated<number>
  created_at: string
  updated_at: string
  /** 1 when an administrator set the password: the user must choose their own before anything else. */
  must_change_password: Generated<number>
  /** The last successful sign-in (a session). */
  last_login_at: Generated<string | null>
}

interface SessionsTable {
  id: Generated<number>
  tenant_id: number
  user_id: number
  /** SHA-256 (hex) of the session id in the cookie; the id itself is never stored. */
  secret_hash: string
  created_at: string
  /** The last request (within a minute or so): the idle expiry counts from here. */
  last_seen_at: string
  /** The absolute expiry, fixed at sign-in. */
  expires_at: string
}

export interface RolesTable {
  id: Generated<number>
  tenant_id: number
  name: string
  description: string | null
  built_in: number
  created_at: string
  /** Bumped by every change through the admin API: the role's ETag. */
  version: Generated<number>
}

interface RoleActionsTable {
  role_id: number
  action: string
}

interface UserRolesTable {
  user_id: number
  role_id: number
}

export interface ApiTokensTable {
  id: Generated<number>
  tenant_id: number
  user_id: number
  name: string
  /** The first characters of the secret, to tell tokens apart in a list; not enough to use it. */
  prefix: string
  /** SHA-256 (hex) of the whole secret; the secret itself is never stored. */
  secret_hash: string
  expires_at: string | null
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}

interface IdentityTables {
  tenants: TenantsTable
  users: UsersTable
  roles: RolesTable
  role_actions: RoleActionsTable
  user_roles: UserRolesTable
  api_tokens: ApiTokensTable
  sessions: SessionsTable
}

/** This module's tables, part of the whole database's type (`DB` in `db/schema.ts`). */
declare module '../../db/schema.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DB extends IdentityTables {}
}
