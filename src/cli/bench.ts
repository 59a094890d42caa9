import type { Command } from 'commander'
import { IdentityRepository } from '../modules/identity/repository.js'
import { progressBar, seedBenchStudy } from '../modules/conduct/bench-seed.js'
import { withDatabase } from './support.js'

function count(name: string) {
  return (raw: string): number => {
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1 || n > 10_000_000)
      throw new Error(`--${name} must be a whole number from 1 (got ${raw})`)
    return n
  }
}

/** `trialdeck seed bench`: a large synthetic study for benchmarks, written with bulk inserts. */
export function registerBenchSeedCommand(seed: Command): void {
  seed
    .command('bench')
    .description(
      'create a large synthetic study (subjects × timepoints × items observations); progress on stderr',
    )
    .requiredOption('--subjects <n>', 'number of subjects', count('subjects'))
    .requiredOption('--timepoints <n>', 'number of timepoints', count('timepoints'))
    .requiredOption('--items <n>', 'number of data items', count('items'))
    .option('--tenant <code>', 'tenant to create it in', 'DEMO')
    .option('--study <protocol>', 'protocol of the new study (default BENCH-<subjects>x<timepoints>x<items>)')
    .action(
      async (opts: {
        subjects: number
        timepoints: number
        items: number
        tenant: string
        study?: string
      }) => {
        await withDatabase(async (database) => {
          const tenant = await new IdentityRepository(database.db).findTenantByCode(opts.tenant)
          if (!tenant)
            throw new Error(`no tenant ${opts.tenant}; run "trialdeck seed demo" first or pass --tenant`)
          const protocol = opts.study ?? `BENCH-${opts.subjects}x${opts.timepoints}x${opts.items}`
          const started = Date.now()
          const id = await seedBenchStudy(database, tenant.id, protocol, opts, progressBar(protocol))
          const rows = opts.subjects * opts.timepoints * opts.items
          console.log(
            `study ${protocol} (id ${id}): ${rows} observations in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          )
        })
      },
    )
}
