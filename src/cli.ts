import { Command } from 'commander'
import { ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrate } from './migrations.js'
import { seedDemo } from './seed/demo.js'
import { serve } from './server.js'
import { VERSION } from './version.js'
import { registerIdentityCommands } from './cli/identity.js'
import { registerBenchSeedCommand } from './cli/bench.js'
import { registerStudyAccessCommands } from './cli/study-access.js'
import { withDatabase } from './cli/support.js'

export function buildCli(): Command {
  const program = new Command('trialdeck')
    .description('Trialdeck: Recruit, Report and Track APIs for clinical-trial operations')
    .version(VERSION)
    .showHelpAfterError()

  program
    .command('serve')
    .description('run the HTTP server (migrates the database first); configured by the environment')
    .action(async () => {
      await serve(loadConfig())
    })

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const config = loadConfig()
      const database = await openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous })
      try {
        const applied = await migrate(database)
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
      } finally {
        await database.close()
      }
    })

  const seed = program.command('seed').description('load data sets')
  seed
    .command('demo')
    .description('load the demo data set (tenant DEMO, user demo / p@55w0rd, plans, studies); idempotent')
    .action(async () => {
      await withDatabase(async ({ db }) => {
        await seedDemo(db, (line) => {
          console.log(line)
        })
      })
    })

  registerBenchSeedCommand(seed)
  registerStudyAccessCommands(program)
  registerIdentityCommands(program)
  return program
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (err) {
    const message =
      err instanceof ConfigError ? `configuration error: ${err.message}` : (err as Error).message
    console.error(`trialdeck: ${message}`)
    process.exit(1)
  }
}

await main(process.argv)
