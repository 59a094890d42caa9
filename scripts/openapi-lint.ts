/** Writes the generated OpenAPI document to a file and lints it with Redocly (zero errors allowed). */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from './openapi-document.js'

const doc = await buildOpenApiDocument()
mkdirSync('.tmp', { recursive: true })
writeFileSync('.tmp/openapi.json', JSON.stringify(doc, null, 2))
try {
  execFileSync('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', '.tmp/openapi.json'], {
    stdio: 'inherit',
  })
} catch {
  process.exit(1)
}
