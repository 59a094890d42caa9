import type { Command } from 'commander'
import { accessibleStudyIds, restrictUserToStudies } from '../modules/conduct/access.js'
import { systemActor } from '../modules/audit/service.js'
import { IdentityRepository } from '../modules/identity/repository.js'
import { StudiesRepository } from '../modules/studies/repository.js'
import { collect, withDatabase } from './support.js'

/** `trialdeck study-access set|show`: restrict a user to certain studies (restricted studies). */
export function registerStudyAccessCommands(program: Command): void {
  const access = program
    .command('study-access')
    .description('restrict users to certain studies (a user with none sees all)')
  access
    .command('set')
    .description('restrict a user to the given studies; with no --study, lift the restriction (audited)')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'the user')
    .option('--study <protocol>', 'a study the user may access (repeatable)', collect, [] as string[])
    .action(async (opts: { tenant: string; username: string; study: string[] }) => {
      await withDatabase(async ({ db }) => {
        const identity = new IdentityRepository(db)
        const tenant = await identity.findTenantByCode(opts.tenant)
        if (!tenant) throw new Error(`no tenant ${opts.tenant}`)
        const user = await identity.findUserByUsername(tenant.id, opts.username)
        if (!user) throw new Error(`no user ${opts.username} in ${tenant.code}`)
        const studies = new StudiesRepository(db)
        const ids: number[] = []
        for (const protocol of opts.study) {
          const study = await studies.findByProtocol(tenant.id, protocol)
          if (!study) throw new Error(`no study ${protocol} in ${tenant.code}`)
          ids.push(study.id)
        }
        await restrictUserToStudies(db, systemActor(tenant.id), user.id, ids)
        console.log(
          ids.length
            ? `${user.username} may access only ${opts.study.join(', ')}`
            : `${user.username} may access every study`,
        )
      })
    })
  access
    .command('show')
    .description('which studies a user may access')
    .requiredOption('--tenant <code>', 'tenant code')
    .requiredOption('--username <username>', 'the user')
    .action(async (opts: { tenant: string; username: string }) => {
      await withDatabase(async ({ db }) => {
        const identity = new IdentityRepository(db)
        const tenant = await identity.findTenantByCode(opts.tenant)
        if (!tenant) throw new Error(`no tenant ${opts.tenant}`)
        const user = await identity.findUserByUsername(tenant.id, opts.username)
        if (!user) throw new Error(`no user ${opts.username} in ${tenant.code}`)
        const ids = await accessibleStudyIds(db, tenant.id, user.id)
        if (ids === 'all') {
          console.log('every study')
          return
        }
        const studies = new StudiesRepository(db)
        for (const id of ids) console.log((await studies.findById(tenant.id, id))?.protocol ?? id)
      })
    })
}
