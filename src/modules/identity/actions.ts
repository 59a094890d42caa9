/** Every role action (permission) there is. `api` gates programmatic access (Basic or Bearer). */
export const ROLE_ACTIONS = [
  'api',
  'admin.users.view',
  'admin.users.manage',
  'admin.users.tokens.view',
  'admin.users.tokens.manage',
  'admin.roles.manage',
  'admin.tenant.manage',
  'audit.view',
  'track.view',
  'track.edit',
  'plans.manage',
  'studies.view',
  'studies.manage',
  'recruit.use',
  'reports.run',
] as const

export type RoleAction = (typeof ROLE_ACTIONS)[number]

export function isRoleAction(value: string): value is RoleAction {
  return (ROLE_ACTIONS as readonly string[]).includes(value)
}

/** The roles every tenant starts with. */
export const BUILT_IN_ROLES: Record<string, { description: string; actions: readonly RoleAction[] }> = {
  administrator: { description: 'Everything', actions: ROLE_ACTIONS },
  'api-integrator': {
    description: 'A service account for integrations: Track, Recruit and Report APIs',
    actions: ['api', 'track.view', 'track.edit', 'recruit.use', 'reports.run', 'studies.view'],
  },
  'recruitment-website': {
    description: "A clinic's public recruitment website: the Recruit API only",
    actions: ['api', 'recruit.use'],
  },
  viewer: {
    description: 'Read-only access in the web UI',
    actions: ['admin.users.view', 'audit.view', 'track.view', 'studies.view'],
  },
}
