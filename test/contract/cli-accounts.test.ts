import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'

/** The account commands against a fresh SQLite file (the CLI opens DATABASE_URL like the server does). */
const dir = mkdtempSync(join(tmpdir(), 'trialdeck-cli-'))
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`, LOG_LEVEL: 'silent' }
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

function cli(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env,
    input: input ?? '',
    encoding: 'utf8',
  })
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr }
}

void test('role, user, token and tenant commands: list, disable, enable, unlock, password, revoke', () => {
  assert.equal(cli(['seed', 'demo']).code, 0)
  const tenants = cli(['tenant', 'list'])
  assert.match(tenants.out, /^CODE\s+NAME\nDEMO\s+Demo Clinic/m)

  const roles = cli(['role', 'list', '--tenant', 'DEMO', '--json'])
  const names = (JSON.parse(roles.out) as { name: string }[]).map((r) => r.name)
  assert.ok(
    ['administrator', 'api-integrator', 'recruitment-website', 'viewer'].every((n) => names.includes(n)),
  )

  const wrongRole = cli(['user', 'create', '--tenant', 'DEMO', '--username', 'x', '--role', 'admin'])
  assert.equal(wrongRole.code, 1)
  assert.match(wrongRole.err, /no role named admin; the roles are .*administrator/)

  const users = cli(['user', 'list', '--tenant', 'DEMO'])
  assert.match(users.out, /^admin\s+administrator\s+yes\s+yes/m)
  assert.match(users.out, /^demo\s+api-integrator\s+yes\s+yes/m)

  assert.equal(
    cli(['user', 'password', '--tenant', 'DEMO', '--username', 'demo', '--password-stdin'], 'short\n').code,
    1,
  )
  const changed = cli(
    ['user', 'password', '--tenant', 'DEMO', '--username', 'demo', '--password-stdin'],
    'a-new-long-pw\n',
  )
  assert.equal(changed.code, 0, changed.err)
  for (const verb of ['disable', 'enable', 'unlock']) {
    assert.equal(cli(['user', verb, '--tenant', 'DEMO', '--username', 'demo']).code, 0)
  }
  const disabled = cli(['user', 'disable', '--tenant', 'DEMO', '--username', 'demo'])
  assert.equal(disabled.code, 0)
  assert.match(cli(['user', 'list', '--tenant', 'DEMO']).out, /^demo\s+api-integrator\s+no/m)

  const made = cli(['token', 'create', '--tenant', 'DEMO', '--username', 'admin', '--name', 'ci', '--json'])
  const token = JSON.parse(made.out) as { id: number; expiresAt: string | null }
  assert.ok(
    token.expiresAt !== null &&
      Math.abs(Date.parse(token.expiresAt) - Date.now() - 90 * 86_400_000) < 120_000,
  )
  const forever = cli([
    'token',
    'create',
    '--tenant',
    'DEMO',
    '--username',
    'admin',
    '--name',
    'x',
    '--expires-in',
    'never',
    '--json',
  ])
  assert.equal((JSON.parse(forever.out) as { expiresAt: null }).expiresAt, null)
  assert.equal(cli(['token', 'revoke', '--tenant', 'DEMO', '--username', 'admin', String(token.id)]).code, 0)
  const list = cli(['token', 'list', '--tenant', 'DEMO', '--username', 'admin'])
  assert.match(list.out, new RegExp(`^${token.id}\\s+ci\\s+\\S+\\s+revoked`, 'm'))
  assert.match(list.out, /\sactive\s+never/)
  assert.equal(cli(['token', 'list', '--tenant', 'NOPE', '--username', 'admin']).code, 1)
})
