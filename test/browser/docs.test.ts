import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { test } from 'node:test'
import { chromium } from 'playwright-core'
import { testConfig, buildTestApp } from '../support/harness.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

void test(
  'Swagger UI at /docs lists the operations (headless Chromium)',
  { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` },
  async () => {
    const app = await buildTestApp(testConfig())
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    })
    try {
      const page = await browser.newPage()
      const offline: string[] = []
      page.on('request', (r) => {
        if (!r.url().startsWith(address)) offline.push(r.url())
      })
      await page.goto(`${address}/docs`)
      await page.waitForSelector('.opblock', { timeout: 20_000 })
      const operations = await page.locator('.opblock-summary-path').allTextContents()
      assert.ok(
        operations.some((p) => p.includes('/healthz')),
        `operations listed: ${operations.join(', ')}`,
      )
      assert.ok(operations.some((p) => p.includes('/api/v1/me')))
      mkdirSync('.tmp', { recursive: true })
      await page.screenshot({ path: '.tmp/docs.png', fullPage: false })
      assert.deepEqual(offline, [], 'the docs page loads nothing from outside the server')
    } finally {
      await browser.close()
      await app.close()
    }
  },
)
