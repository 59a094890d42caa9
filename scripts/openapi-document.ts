/** The OpenAPI document, built in-process (an app over an in-memory SQLite, never listening). */
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp(loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:' }))
  try {
    await app.ready()
    return app.swagger() as unknown as Record<string, unknown>
  } finally {
    await app.close()
  }
}
