import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Database } from '../../../db/database.js'
import {
  createTenant,
  onEveryDatabase,
  testConfig,
  testDatabases,
  type Harness,
  type TestTenant,
  buildTestApp,
} from '../../../../test/support/harness.js'
import { createDemoStudy } from '../../../../test/support/study-data.js'
import { readXpt } from '../../../../test/support/xpt-reader.js'

interface Job {
  id: number
  status: string
  rows: number
  attempts: number
  errors: string[]
  resultUrl: string | null
}

const QUERY = { reportName: 'transfer', studyName: 'DEMO-PK-01', includeUnlockedForms: true }

async function waitFor(app: Harness['app'], t: TestTenant, id: number, status: string): Promise<Job> {
  let job: Job | undefined
  for (let i = 0; i < 300; i++) {
    job = (await app.inject({ url: `/api/v1/reports/jobs/${id}`, headers: t.basic })).json<Job>()
    if (job.status === status) return job
    await new Promise((r) => setTimeout(r, 20))
  }
  assert.fail(`job ${id} did not become ${status}: ${JSON.stringify(job)}`)
}

onEveryDatabase(
  'report jobs',
  (h) => {
    test('a job: 202 with Location, then its status and row count, then the same file invokeReport gives', async () => {
      const t = await createTenant(h, { actions: ['api', 'reports.run'] })
      await createDemoStudy(h, t.id)
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/reports/jobs',
        headers: t.basic,
        payload: QUERY,
      })
      assert.equal(res.statusCode, 202)
      const { id } = res.json<Job>()
      assert.equal(res.headers.location, `/api/v1/reports/jobs/${id}`)
      const done = await waitFor(h.app, t, id, 'succeeded')
      assert.equal(done.rows, 1606)
      assert.deepEqual(done.errors, [])
      const result = await h.app.inject({ url: done.resultUrl!, headers: t.basic })
      assert.equal(result.statusCode, 200)
      assert.match(String(result.headers['content-disposition']), /transfer_DEMO-PK-01_.*\.csv/)
      const direct = await h.app.inject({
        method: 'POST',
        url: '/api/v1/invokeReport',
        headers: t.basic,
        payload: QUERY,
      })
      assert.equal(result.body, direct.body)
    })

    test('a job runs XPT and Dataset-NDJSON too: the same rows and media types as invokeReport', async () => {
      const t = await createTenant(h, { actions: ['api', 'reports.run'] })
      await createDemoStudy(h, t.id)
      for (const [format, type] of [
        ['xpt', 'application/x-sas-xport'],
        ['dataset-ndjson', 'application/x-ndjson; charset=utf-8'],
      ] as const) {
        const payload = { ...QUERY, subjects: ['1001', '1002'], format }
        const res = await h.app.inject({
          method: 'POST',
          url: '/api/v1/reports/jobs',
          headers: t.basic,
          payload,
        })
        assert.equal(res.statusCode, 202)
        const done = await waitFor(h.app, t, res.json<Job>().id, 'succeeded')
        const result = await h.app.inject({ url: done.resultUrl!, headers: t.basic })
        assert.equal(result.headers['content-type'], type)
        const direct = await h.app.inject({
          method: 'POST',
          url: '/api/v1/invokeReport',
          headers: t.basic,
          payload,
        })
        if (format === 'xpt')
          assert.deepEqual((await readXpt(result.rawPayload)).rows, (await readXpt(direct.rawPayload)).rows)
        else assert.deepEqual(result.body.split('\n').slice(1), direct.body.split('\n').slice(1))
      }
    })

    test('bad parameters are refused at submission (422 naming them); another user cannot see the job', async () => {
      const t = await createTenant(h, { actions: ['api', 'reports.run'] })
      await createDemoStudy(h, t.id)
      const bad = await h.app.inject({
        method: 'POST',
        url: '/api/v1/reports/jobs',
        headers: t.basic,
        payload: { ...QUERY, subjects: ['nobody'] },
      })
      assert.equal(bad.statusCode, 422)
      assert.equal(bad.json<{ errors: { path: string }[] }>().errors[0]?.path, 'subjects')
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/reports/jobs',
        headers: t.basic,
        payload: QUERY,
      })
      const { id } = res.json<Job>()
      const stranger = await createTenant(h, { actions: ['api', 'reports.run'] })
      assert.equal(
        (await h.app.inject({ url: `/api/v1/reports/jobs/${id}`, headers: stranger.basic })).statusCode,
        404,
      )
      assert.equal(
        (await h.app.inject({ url: `/api/v1/reports/jobs/${id}/result`, headers: stranger.basic }))
          .statusCode,
        404,
      )
    })

    test('a job claimed by an instance that died is picked up again and completes', async () => {
      const t = await createTenant(h, { actions: ['api', 'reports.run'] })
      await createDemoStudy(h, t.id)
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/reports/jobs',
        headers: t.basic,
        payload: QUERY,
      })
      const { id } = res.json<Job>()
      // Let this instance's own run end first (on a loaded machine it may still be writing), then pretend a
      // now-dead instance holds the job, half-written, heartbeat long stopped.
      await waitFor(h.app, t, id, 'succeeded')
      // The half-written chunk first, the claim last: once the job looks abandoned a runner may take it at once.
      await h.database.db.deleteFrom('report_job_chunks').where('job_id', '=', id).execute()
      await h.database.db
        .insertInto('report_job_chunks')
        .values({ job_id: id, seq: 0, data: Buffer.from('half') })
        .execute()
      await h.database.db
        .updateTable('report_jobs')
        .set({
          status: 'running',
          claimed_by: 'dead-instance',
          heartbeat_at: '2000-01-01T00:00:00.000Z',
          attempts: 1,
          finished_at: null,
        })
        .where('id', '=', id)
        .execute()
      const done = await waitFor(h.app, t, id, 'succeeded')
      assert.equal(done.attempts, 2)
      const body = (await h.app.inject({ url: done.resultUrl!, headers: t.basic })).body
      assert.ok(body.startsWith('STUDYID,'), 'the half-written result was replaced')
    })

    test('an expired result answers 410; a job not yet finished answers 409', async () => {
      const t = await createTenant(h, { actions: ['api', 'reports.run'] })
      await createDemoStudy(h, t.id)
      const { id } = (
        await h.app.inject({ method: 'POST', url: '/api/v1/reports/jobs', headers: t.basic, payload: QUERY })
      ).json<Job>()
      await waitFor(h.app, t, id, 'succeeded')
      await h.database.db
        .updateTable('report_jobs')
        .set({ expires_at: '2000-01-01T00:00:00.000Z' })
        .where('id', '=', id)
        .execute()
      await waitFor(h.app, t, id, 'expired')
      assert.equal(
        (await h.app.inject({ url: `/api/v1/reports/jobs/${id}/result`, headers: t.basic })).statusCode,
        410,
      )
      const chunks = await h.database.db
        .selectFrom('report_job_chunks')
        .select('seq')
        .where('job_id', '=', id)
        .execute()
      assert.equal(chunks.length, 0)
      const queued = await h.database.db
        .insertInto('report_jobs')
        .values({
          tenant_id: t.id,
          user_id: t.userId,
          token_id: null,
          report_name: 'transfer',
          parameters: '{"reportName":"transfer","studyName":"DEMO-PK-01"}',
          format: 'csv',
          status: 'running',
          rows: 0,
          attempts: 1,
          claimed_by: 'elsewhere',
          heartbeat_at: new Date(Date.now() + 60_000).toISOString(),
          created_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      assert.equal(
        (await h.app.inject({ url: `/api/v1/reports/jobs/${queued.id}/result`, headers: t.basic }))
          .statusCode,
        409,
      )
    })
  },
  { config: { reportJobPollMs: 20, reportJobStaleMs: 300 } },
)

for (const target of testDatabases()) {
  void describe(`report jobs across a restart [${target.name}]`, () => {
    test('a job submitted before the server stops is run by the next server on the same database', async () => {
      const database: Database = await target.open()
      try {
        // The first server never polls (its interval is an hour): it only takes the job.
        const first = await buildTestApp(testConfig({ reportJobPollMs: 3_600_000 }), { database })
        await first.ready()
        const h = { dialect: target.name, app: first, database } as Harness
        const t = await createTenant(h, { actions: ['api', 'reports.run'] })
        await createDemoStudy(h, t.id)
        const { id } = (
          await first.inject({
            method: 'POST',
            url: '/api/v1/reports/jobs',
            headers: t.basic,
            payload: QUERY,
          })
        ).json<Job>()
        await first.close()
        const second = await buildTestApp(testConfig({ reportJobPollMs: 20 }), { database })
        await second.ready()
        try {
          const done = await waitFor(second, t, id, 'succeeded')
          assert.equal(done.rows, 1606)
          const result = await second.inject({ url: `/api/v1/reports/jobs/${id}/result`, headers: t.basic })
          assert.equal(result.body.trim().split('\r\n').length, 1607)
        } finally {
          await second.close()
        }
      } finally {
        await database.close()
        await target.dispose()
      }
    })
  })
}
