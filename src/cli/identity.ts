import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { parseDuration } from '../config.js'
import { systemActor, verifyAuditChains } from '../modules/audit/service.js'
import { IdentityService, policyOf, settingsOf } from '../modules/identity/service.js'
import { registerAccountCommands } from './accounts.js'
import { collect, readStdin, withDatabase } from './support.js'

/** `trialdeck audit verify`: 0 when every chain is intact, 1 naming the first broken record of each chain. */
export async function verifyAudit(
  db: Kysely<DB>,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { checked, breaks } = await verifyAuditChains(db)
  if (breaks.length === 0) {
    out(`audit chain intact: ${checked} records checked`)
    return 0
  }
  for (const b of breaks) {
    err(`tenant ${b.tenantId}: record seq ${b.seq} (id ${b.id}) is broken: ${b.problem}`)
  }
  return 1
}

async function tenantOf(service: IdentityService, code: string) {
  const tenant = await service.repo.findTenantByCode(code)
  if (!tenant) throw new Error(`no tenant with code ${code}`)
  return tenant
}

export function registerIdentityCommands(program: Command): void {
  const tenant = program.command('tenant').description('manage tenants')
  tenant
    .command('create')
    .description('create a tenant (a customer) with the built-in roles')
    .argument('<code>', 'the customerCode, e.g. ACME')
    .requiredOption('--name <name>', 'display name')
    .option(
      '--rate-limit-max <n>',
      "requests per window per token or user (default: the server's RATE_LIMIT_MAX)",
    )
    .action(async (code: string, opts: { name: string; rateLimitMax?: string }) => {
      const max = opts.rateLimitMax === undefined ? undefined : Number(opts.rateLimitMax)
      if (max !== undefined && !(Number.isInteger(max) && max > 0))
        throw new Error(`--rate-limit-max must be a whole number above 0 (got ${opts.rateLimitMax ?? ''})`)
      await withDatabase(async ({ db }) => {
        const created = await new IdentityService(db).createTenant(
          code,
          opts.name,
          max === undefined ? {} : { rateLimitMax: max },
        )
        console.log(`tenant ${created.code} created (id ${created.id})`)
      })
    })

  tenant
    .command('settings')
    .description("show a tenant's settings, or change them (prints the settings as JSON)")
    .argument('<code>', 'the customerCode')
    .option(
      '--rate-limit-max <n>',
      "requests per window per token or user; 'default' for the server's RATE_LIMIT_MAX",
    )
    .option('--recruit', 'enable the Recruit API (the clinic website paths)')
    .option('--no-recruit', 'disable the Recruit API')
    .action(async (code: string, opts: { rateLimitMax?: string; recruit?: boolean }) => {
      const raw = opts.rateLimitMax
      const max = raw === undefined ? undefined : raw === 'default' ? null : Number(raw)
      if (typeof max === 'number' && !(Number.isInteger(max) && max > 0))
        throw new Error(`--rate-limit-max must be a whole number above 0 or 'default' (got ${raw ?? ''})`)
      await withDatabase(async ({ db }) => {
        const service = new IdentityService(db)
        const found = await tenantOf(service, code)
        const patch = {
          ...(max !== undefined ? { rateLimitMax: max } : {}),
          ...(opts.recruit !== undefined ? { recruitEnabled: opts.recruit } : {}),
        }
        const settings =
          Object.keys(patch).length === 0
            ? settingsOf(found)
            : await service.updateTenantSettings(found.id, patch, systemActor(found.id))
        console.log(JSON.stringify(settings))
      })
    })

  const user = program.command('user').description('manage users')
  user
    .command('create')
    .description('create a user; the password is read from standard input')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'login name')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--role <role>', 'a role to grant (repeatable)', collect, [] as string[])
    .option('--basic-auth', 'enable HTTP Basic authentication for this account')
    .option('--display-name <name>', 'display name')
    .option('--email <email>', 'email address')
    .action(
      async (opts: {
        tenant: string
        username: string
        passwordStdin?: boolean
        role: string[]
        basicAuth?: boolean
        displayName?: string
        email?: string
      }) => {
        const password = opts.passwordStdin ? (await readStdin()).split(/\r?\n/)[0] : undefined
        await withDatabase(async ({ db }, config) => {
          const service = new IdentityService(db, policyOf(config))
          const t = await tenantOf(service, opts.tenant)
          const created = await service.createUser(
            t.id,
            {
              username: opts.username,
              password,
              roles: opts.role,
              basicAuthEnabled: opts.basicAuth ?? false,
              displayName: opts.displayName,
              email: opts.email,
            },
            systemActor(t.id),
          )
          console.log(`user ${created.username} created (id ${created.id})`)
        })
      },
    )

  const token = program.command('token').description('manage API tokens')
  token
    .command('create')
    .description('create an API token; its secret is printed once and never stored')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'whose token')
    .requiredOption('--name <label>', 'what the token is for')
    .option(
      '--expires-in <duration>',
      'lifetime, e.g. 30d, 12h, 90s, or never (default: TOKEN_DEFAULT_LIFETIME, 90 days unless configured)',
    )
    .option('--json', 'print {"id","secret","expiresAt"}')
    .action(
      async (opts: {
        tenant: string
        username: string
        name: string
        expiresIn?: string
        json?: boolean
      }) => {
        // Not given: the default lifetime; `never`: no expiry.
        let expiresAt: string | null | undefined
        if (opts.expiresIn === 'never') expiresAt = null
        else if (opts.expiresIn !== undefined) {
          const ms = parseDuration(opts.expiresIn)
          if (ms === undefined || ms <= 0)
            throw new Error(`--expires-in must be like 30d, 12h or 90s (got ${opts.expiresIn})`)
          expiresAt = new Date(Date.now() + ms).toISOString()
        }
        await withDatabase(async ({ db }, config) => {
          const service = new IdentityService(db, policyOf(config))
          const t = await tenantOf(service, opts.tenant)
          const u = await service.repo.findUserByUsername(t.id, opts.username)
          if (!u) throw new Error(`no user ${opts.username} in tenant ${t.code}`)
          const created = await service.createToken(
            t.id,
            u.id,
            expiresAt === undefined ? { name: opts.name } : { name: opts.name, expiresAt },
            systemActor(t.id),
          )
          if (opts.json)
            console.log(
              JSON.stringify({ id: created.id, secret: created.secret, expiresAt: created.expiresAt }),
            )
          else
            console.log(
              `token ${created.id} (${created.name}), expires ${created.expiresAt ?? 'never'}:\n${created.secret}`,
            )
        })
      },
    )

  registerAccountCommands({ tenant, user, token, program })

  program
    .command('audit')
    .description('audit trail')
    .command('verify')
    .description('check every tenant’s audit hash chain; exit 1 at the first broken record')
    .action(async () => {
      await withDatabase(async ({ db }) => {
        process.exitCode = await verifyAudit(db, console.log, console.error)
      })
    })
}
