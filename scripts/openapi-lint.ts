/** Writes the generated OpenAPI document to a file and lints it with Redocly (zero errors allowed). */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'

const app = await buildApp(loadConfig({}, { logLevel: 'silent', databaseUrl: 'sqlite::memory:' }))
await app.ready()
const doc = app.swagger()
await app.close()
mkdirSync('.tmp', { recursive: true })
writeFileSync('.tmp/openapi.json', JSON.stringify(doc, null, 2))
try {
  execFileSync('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', '.tmp/openapi.json'], {
    stdio: 'inherit',
  })
} catch {
  process.exit(1)
}
