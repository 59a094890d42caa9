import { AxeBuilder } from '@axe-core/playwright'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = resolve(import.meta.dirname, '../..')
const WEB = join(ROOT, 'web')
export const WEB_DIST = join(WEB, 'dist')

/** Where the browser tests write their screenshots (outside the repository; not committed). */
export const SHOTS = process.env.TRIALDECK_SHOTS ?? '/tmp/trialdeck-shots'

export const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

function newest(path: string): number {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let latest = s.mtimeMs
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)))
  return latest
}

/**
 * Builds web/dist when it is missing or older than its sources, so `npm test` on a fresh clone (CI runs
 * `npm ci && npm test`) and after an edit both test the app as it is now.
 */
let built = false

export function ensureWebBuilt(): string {
  // Once per process: a rebuild replaces the hashed files that a server already started has listed.
  if (built) return WEB_DIST
  built = true
  const index = join(WEB_DIST, 'index.html')
  const sources = Math.max(
    newest(join(WEB, 'src')),
    newest(join(WEB, 'index.html')),
    newest(join(WEB, 'vite.config.ts')),
    newest(join(ROOT, 'packages/client/src')),
  )
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', WEB, '--logLevel', 'warn'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    )
  }
  return WEB_DIST
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** axe's serious and critical violations on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** A screenshot of the page at both sizes, into SHOTS as `<name>-desktop.png` and `<name>-phone.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  const original = page.viewportSize()
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport)
    await page.waitForTimeout(150)
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), fullPage: true })
  }
  if (original) await page.setViewportSize(original)
}
