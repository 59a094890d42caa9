import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { test } from 'node:test'

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  return { child, output: () => output }
}

void test('trialdeck serve migrates, answers, and stops cleanly on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trialdeck-serve-'))
  try {
    const { child, output } = startServer({ DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, PORT: '0' })
    // A failed assertion must not leave the server running: the test process would wait for it forever.
    t.after(() => child.kill('SIGKILL'))
    let url: string | undefined
    for (let i = 0; i < 300 && !url; i++) {
      await new Promise((r) => setTimeout(r, 100))
      url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1]
    }
    assert.ok(url, `server did not start: ${output()}`)
    const res = await fetch(`${url}/readyz`)
    assert.equal(res.status, 200)
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    assert.equal(code, 0)
    assert.match(output(), /shutting down/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

void test('a bad configuration value stops the server with one line and exit 1', async () => {
  const { child, output } = startServer({ PORT: 'eighty' })
  const [code] = (await once(child, 'exit')) as [number | null]
  assert.equal(code, 1)
  assert.match(output(), /PORT must be a whole number \(got "eighty"\)/)
})
