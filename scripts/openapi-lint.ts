/**
 * Writes the generated OpenAPI document to a file and lints it with Redocly (redocly.yaml) and Spectral's
 * default OpenAPI ruleset (.spectral.yaml); an error from either fails.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildOpenApiDocument } from './openapi-document.js'

const doc = await buildOpenApiDocument()
mkdirSync('.tmp', { recursive: true })
writeFileSync('.tmp/openapi.json', JSON.stringify(doc, null, 2))
const run = (args: string[]) => execFileSync('npx', ['--no-install', ...args], { stdio: 'inherit' })
try {
  run(['redocly', 'lint', '--config', 'redocly.yaml', '.tmp/openapi.json'])
  run(['spectral', 'lint', '--ruleset', '.spectral.yaml', '--fail-severity', 'error', '.tmp/openapi.json'])
} catch {
  process.exit(1)
}
