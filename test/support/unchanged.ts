import assert from 'node:assert/strict'
import { sql } from 'kysely'
import type { Harness } from './harness.js'

/** Tables whose rows say nothing about a request's effect (migrations, the credentials change counter). */
const IGNORED = new Set(['kysely_migration', 'kysely_migration_lock', 'credentials_epoch'])

async function tableNames(h: Harness): Promise<string[]> {
  const rows =
    h.dialect === 'sqlite'
      ? await sql<{
          name: string
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
          h.database.db,
        )
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(h.database.db)
  return rows.rows.map((r) => r.name).filter((n) => !IGNORED.has(n))
}

/**
 * What the database holds, coarsely: the row count of every table and the audit trail's last record. Equal
 * snapshots before and after a request mean it wrote nothing (an update in place would move the audit trail).
 */
export async function snapshot(h: Harness): Promise<Record<string, string>> {
  const counts: Record<string, string> = {}
  for (const table of await tableNames(h)) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
      h.database.db,
    )
    counts[table] = String(r.rows[0]?.n)
  }
  const last = await sql<{
    seq: number | string
    hash: string
  }>`select seq, hash from audit_log order by id desc limit 1`.execute(h.database.db)
  counts['audit_log.last'] = JSON.stringify(last.rows[0] ?? null)
  return counts
}

/** The declared error shape of each surface. */
export function assertErrorShape(
  surface: 'native' | 'partner' | 'cleartrial',
  status: number,
  body: string,
): void {
  if (surface === 'cleartrial' && body.startsWith('<')) {
    assert.match(body, /<error><errorCode>[^<]+<\/errorCode><message>[^<]*<\/message><\/error>/)
    return
  }
  const parsed = JSON.parse(body) as Record<string, unknown>
  if (surface === 'cleartrial') {
    const error = parsed.error as Record<string, unknown> | undefined
    assert.equal(typeof error?.errorCode, 'string', body)
    assert.equal(typeof error?.message, 'string', body)
    return
  }
  assert.equal(parsed.status, status, body)
  assert.equal(typeof parsed.title, 'string', body)
  assert.equal(typeof parsed.detail, 'string', body)
  if (parsed.errors !== undefined) {
    assert.ok(Array.isArray(parsed.errors), body)
    assert.ok(parsed.errors.length <= 100, `at most 100 errors listed, got ${parsed.errors.length}`)
  }
}

export function surfaceOfUrl(url: string): 'native' | 'partner' | 'cleartrial' {
  if (url.startsWith('/cleartrial-ws')) return 'cleartrial'
  if (/^\/api\/v1\/(recruit\/|saveVolunteerRequest|invokeReport)/.test(url)) return 'partner'
  return 'native'
}

/** The server answers its health check. */
export async function assertHealthy(h: Harness): Promise<void> {
  const res = await h.app.inject({ url: '/healthz' })
  assert.equal(res.statusCode, 200, res.body)
}
