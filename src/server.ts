import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import type { Config } from './config.js'

/** Starts the server and stops it gracefully on SIGTERM/SIGINT: no new connections, in-flight requests finish. */
export async function serve(config: Config): Promise<void> {
  const app = await buildApp(config)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      app.log.error('shutdown took longer than 30s; exiting')
      process.exit(1)
    }, 30_000)
    force.unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown')
        process.exit(1)
      },
    )
  }
  process.once('SIGTERM', () => {
    stop('SIGTERM')
  })
  process.once('SIGINT', () => {
    stop('SIGINT')
  })
  await listen(app, { port: config.port, host: config.host })
}

/** How a built app starts taking traffic, here and in the benchmarks. */
export async function listen(app: FastifyInstance, options: { port: number; host: string }): Promise<void> {
  await app.listen(options)
}
