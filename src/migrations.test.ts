import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Kysely, Migration } from 'kysely'
import { migrationsFor } from './migrations.js'
import type { TrialdeckModule } from './modules/index.js'

test('the assembled migration keys are the ones databases already store, in order', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    assert.deepEqual(Object.keys(migrationsFor(dialect)), [
      '0001_identity',
      '0002_studies',
      '0004_track',
      '0005_recruit',
      '0006_reports',
      '0007_credentials_epoch',
      '0008_sessions',
      '0009_report_jobs_by_user',
      '0010_user_version',
      '0011_role_version',
    ])
  }
})

test('parts of one key run in module order going up and in reverse going down', async () => {
  const calls: string[] = []
  const part = (name: string) => (): Migration => ({
    up: () => Promise.resolve(void calls.push(`up ${name}`)),
    down: () => Promise.resolve(void calls.push(`down ${name}`)),
  })
  const modules: TrialdeckModule[] = [
    { name: 'a', routes: [], migrations: { '0002_x': part('a2'), '0001_x': part('a1') } },
    { name: 'b', routes: [], migrations: { '0002_x': part('b2') } },
  ]
  const all = migrationsFor('sqlite', modules)
  assert.deepEqual(Object.keys(all), ['0001_x', '0002_x'])
  const db = null as unknown as Kysely<unknown>
  await all['0002_x']?.up(db)
  await all['0002_x']?.down?.(db)
  assert.deepEqual(calls, ['up a2', 'up b2', 'down b2', 'down a2'])
})
