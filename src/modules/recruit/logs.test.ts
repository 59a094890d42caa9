import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DEMO_WEBSITE_USER } from './demo.js'

void test(
  "a real server's logs carry none of a volunteer's personal data, even at debug level",
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trialdeck-recruit-logs-'))
    let child: ChildProcess | undefined
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      PORT: '0',
      LOG_LEVEL: 'debug',
    }
    try {
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'seed', 'demo'], { env })
      assert.equal(seeded.status, 0, seeded.stderr.toString())
      const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      child = server
      let output = ''
      server.stdout.on('data', (d: Buffer) => (output += d.toString()))
      server.stderr.on('data', (d: Buffer) => (output += d.toString()))
      let url: string | undefined
      for (let i = 0; i < 600 && !url; i++) {
        await new Promise((r) => setTimeout(r, 100))
        url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      }
      assert.ok(url, `server did not start: ${output}`)
      const headers = {
        authorization: `Basic ${Buffer.from(`${DEMO_WEBSITE_USER.username}:${DEMO_WEBSITE_USER.password}`).toString('base64')}`,
        customerCode: 'DEMO',
        'content-type': 'application/json',
      }
      const person = {
        firstName: 'Quintessa',
        lastName: 'Vanderlogge',
        dateOfBirth: '1991-08-19',
        sex: 'F',
        email: 'quintessa.vanderlogge@example.org',
        phone: '+44 7700 900123',
        address: { line1: '42 Privet Lane', city: 'Nowhereton', postalCode: 'NW1 4XY', country: 'GB' },
        sitePreferenceId: 1,
        answers: [{ question: 'Do you currently smoke?', answer: false }],
      }
      /** Status and body text (every body is read, so no connection is left waiting). */
      const call = async (path: string, init: RequestInit = {}) => {
        const res = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) })
        return { status: res.status, text: await res.text() }
      }
      const post = (path: string, body: unknown) =>
        call(`/api/v1/recruit/${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
      const saved = await post('saveVolunteer', person)
      assert.equal(saved.status, 200)
      const { volunteerId } = JSON.parse(saved.text) as { volunteerId: number }
      assert.equal((await post('saveVolunteer', person)).status, 422)
      assert.equal(
        (await post('saveVolunteer', { ...person, heightCm: 'tall', email: 'not-an-email' })).status,
        422,
      )
      const reason = encodeURIComponent('Quintessa married, new surname Hollowmere')
      const updated = await post(`updateVolunteer?reasonForChange=${reason}`, {
        volunteerId,
        lastName: 'Hollowmere',
      })
      assert.equal(updated.status, 200)
      const staff = await call('/api/v1/volunteers?q=hollowmere', {
        headers: {
          authorization: `Basic ${Buffer.from('demo:p@55w0rd').toString('base64')}`,
          customerCode: 'DEMO',
        },
      })
      assert.ok([200, 403].includes(staff.status))
      server.kill('SIGTERM')
      await once(server, 'exit')
      assert.match(output, /request completed/)
      for (const secret of [
        'Quintessa',
        'Vanderlogge',
        'Hollowmere',
        'quintessa',
        'vanderlogge',
        'hollowmere',
        '7700 900123',
        'Privet',
        'NW1 4XY',
        '1991-08-19',
        'married',
      ])
        assert.ok(!output.includes(secret), `the logs contain "${secret}"`)
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  },
)
