/**
 * What an operator needs to find their way around accounts: `role list`, `user list|disable|enable|unlock|
 * password`, `token list|revoke`, `tenant list`. Every change goes through the admin service, as the system
 * of the tenant (which holds every role action), so the API's rules and audit records apply unchanged.
 */
import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { DB } from '../db/schema.js'
import { systemActor } from '../modules/audit/service.js'
import { ROLE_ACTIONS } from '../modules/identity/actions.js'
import { AdminService } from '../modules/identity/admin/service.js'
import type { Caller } from '../modules/identity/grant-rule.js'
import type { UserPatch } from '../modules/identity/admin/schemas.js'
import { RoleAdminService } from '../modules/identity/admin/role-service.js'
import { IdentityService, policyOf } from '../modules/identity/service.js'
import { readStdin, withDatabase } from './support.js'

interface Scope {
  admin: AdminService
  tenantId: number
  tenantCode: string
  caller: Caller
}

/** Opens the database, finds the tenant and runs `fn` as its system. */
async function inTenant<T>(code: string, fn: (scope: Scope, db: Kysely<DB>) => Promise<T>): Promise<T> {
  return withDatabase(async ({ db }, config: Config) => {
    const tenant = await new IdentityService(db).repo.findTenantByCode(code)
    if (!tenant) throw new Error(`no tenant with code ${code} (trialdeck tenant list shows them)`)
    // No in-process caches here; other instances see the change through the database.
    const admin = new AdminService(db, { changed: () => undefined }, policyOf(config))
    const caller: Caller = { actor: systemActor(tenant.id), actions: new Set(ROLE_ACTIONS) }
    return fn({ admin, tenantId: tenant.id, tenantCode: tenant.code, caller }, db)
  })
}

/** Every page of a cursor-paged list. */
async function all<T>(
  load: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
) {
  const items: T[] = []
  let cursor: string | undefined
  for (;;) {
    const page = await load(cursor)
    items.push(...page.items)
    if (page.nextCursor === null) return items
    cursor = page.nextCursor
  }
}

async function userId(scope: Scope, db: Kysely<DB>, username: string): Promise<number> {
  const user = await new IdentityService(db).repo.findUserByUsername(scope.tenantId, username)
  if (!user)
    throw new Error(`no user ${username} in tenant ${scope.tenantCode} (trialdeck user list shows them)`)
  return user.id
}

const table = (rows: string[][]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

function print(json: boolean | undefined, value: unknown, rows: () => string[][]): void {
  console.log(json ? JSON.stringify(value) : table(rows()))
}

export function registerAccountCommands(commands: {
  tenant: Command
  user: Command
  token: Command
  program: Command
}) {
  const { tenant, user, token, program } = commands

  tenant
    .command('list')
    .description('list the tenants (customerCode and name)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(async ({ db }) => {
        const rows = await db.selectFrom('tenants').select(['id', 'code', 'name']).orderBy('code').execute()
        print(opts.json, rows, () => [['CODE', 'NAME'], ...rows.map((t) => [t.code, t.name])])
      })
    })

  program
    .command('role')
    .description('roles')
    .command('list')
    .description('list the roles of a tenant and the role actions each holds')
    .requiredOption('--tenant <code>', 'tenant code')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      await inTenant(opts.tenant, async (s, db) => {
        const service = new RoleAdminService(db, { changed: () => undefined })
        const roles = await all((cursor) => service.listRoles(s.tenantId, { limit: 200, cursor }))
        print(opts.json, roles, () => [
          ['ROLE', 'ACTIONS'],
          ...roles.map((r) => [`${r.name}${r.builtIn ? ' (built-in)' : ''}`, r.actions.join(', ')]),
        ])
      })
    })

  user
    .command('list')
    .description('list the users of a tenant with their roles and flags')
    .requiredOption('--tenant <code>', 'tenant code')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; json?: boolean }) => {
      await inTenant(opts.tenant, async (s) => {
        const users = await all((cursor) => s.admin.listUsers(s.tenantId, { limit: 200, cursor }))
        print(opts.json, users, () => [
          ['USERNAME', 'ROLES', 'ACTIVE', 'BASIC', 'LOCKED'],
          ...users.map((u) => [
            u.username,
            u.roles.join(','),
            u.active ? 'yes' : 'no',
            u.basicAuthEnabled ? 'yes' : 'no',
            u.lockedUntil ?? '',
          ]),
        ])
      })
    })

  const change = (
    name: string,
    description: string,
    patch: (password?: string) => UserPatch,
    stdin = false,
  ) => {
    const cmd = user
      .command(name)
      .description(description)
      .requiredOption('--tenant <code>', 'tenant code')
      .requiredOption('--username <username>', 'whose account')
    if (stdin) cmd.option('--password-stdin', 'read the new password from standard input (first line)')
    cmd.action(async (opts: { tenant: string; username: string; passwordStdin?: boolean }) => {
      let password: string | undefined
      if (stdin) {
        if (!opts.passwordStdin)
          throw new Error('give the new password on standard input with --password-stdin')
        password = (await readStdin()).split(/\r?\n/)[0] ?? ''
      }
      await inTenant(opts.tenant, async (s, db) => {
        const id = await userId(s, db, opts.username)
        await s.admin.updateUser(s.tenantId, id, patch(password), s.caller)
        console.log(`user ${opts.username}: ${name} done`)
      })
    })
  }
  change('disable', 'disable an account: it can no longer sign in, and its tokens stop working', () => ({
    active: false,
  }))
  change('enable', 'enable a disabled account again', () => ({ active: true }))
  change('unlock', 'clear a lockout after failed sign-ins', () => ({ unlock: true }))
  change(
    'password',
    'set a new password (read from standard input; PASSWORD_MIN_LENGTH applies)',
    (p) => ({ password: p ?? '' }),
    true,
  )

  token
    .command('list')
    .description("list a user's API tokens (never their secrets)")
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'whose tokens')
    .option('--json', 'print JSON')
    .action(async (opts: { tenant: string; username: string; json?: boolean }) => {
      await inTenant(opts.tenant, async (s, db) => {
        const id = await userId(s, db, opts.username)
        const tokens = await all((cursor) => s.admin.listTokens(s.tenantId, id, { limit: 200, cursor }))
        print(opts.json, tokens, () => [
          ['ID', 'NAME', 'PREFIX', 'STATUS', 'EXPIRES', 'LAST USED'],
          ...tokens.map((t) => [
            String(t.id),
            t.name,
            t.prefix,
            t.status,
            t.expiresAt ?? 'never',
            t.lastUsedAt ?? '',
          ]),
        ])
      })
    })

  token
    .command('revoke')
    .description('revoke an API token at once')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'whose token')
    .argument('<id>', 'the token id (trialdeck token list shows them)')
    .action(async (raw: string, opts: { tenant: string; username: string }) => {
      const tokenId = Number(raw)
      if (!Number.isInteger(tokenId) || tokenId < 1)
        throw new Error(`the token id must be a whole number (got ${raw})`)
      await inTenant(opts.tenant, async (s, db) => {
        const id = await userId(s, db, opts.username)
        await s.admin.revokeToken(s.tenantId, id, tokenId, s.caller)
        console.log(`token ${tokenId} revoked`)
      })
    })
}
