import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'
import {
  datasetJsonValidators,
  hasXmllint,
  odmSchemaErrors,
  parseCsv,
} from '../../../test/support/standards.js'
import { createDemoStudy } from '../../../test/support/study-data.js'
import { readXpt, type XptRead } from '../../../test/support/xpt-reader.js'
import { handWorkedPlan } from '../../../test/support/plans.js'
import { createBaselinePlan } from '../../../test/support/track.js'

interface Problem {
  errors?: { path: string; message: string; rule: string }[]
}
interface Dataset {
  records: number
  name: string
  columns: { name: string; dataType: string; length?: number; keySequence?: number }[]
  rows?: (string | number | null)[][]
}

const DAY = 86_400_000
const EPOCH_1960 = Date.UTC(1960, 0, 1)

/** An XPT value put back in the CSV's terms: dates and date-times by their format, numbers as numbers. */
function sameAsCsv(xpt: XptRead, i: number, value: string | number | null, csv: string): boolean {
  const v = xpt.variables[i]
  if (v?.type === 'Char') return value === csv.trim()
  if (csv === '') return value === null
  if (typeof value !== 'number') return false
  const format = v?.formatName
  if (format === 'E8601DA') return new Date(EPOCH_1960 + value * DAY).toISOString().slice(0, 10) === csv
  if (format === 'E8601DT') return Math.round(EPOCH_1960 + value * 1000) === Date.parse(csv)
  return value === Number(csv)
}

/** A Dataset-JSON value against the CSV's text of it. */
function jsonSameAsCsv(value: string | number | null, csv: string): boolean {
  if (value === null) return csv === ''
  return typeof value === 'number' ? value === Number(csv) : value === csv
}

onEveryDatabase('Report exports: SAS XPT and Dataset-JSON', (h) => {
  let t: TestTenant
  let runs: Record<string, string>
  const get = (query: string, tenant = t) =>
    h.app.inject({ url: `/api/v1/invokeReport?${query}`, headers: tenant.basic })

  test('setup: the demo study and a baseline plan', async () => {
    t = await createTenant(h, { actions: ['api', 'reports.run', 'studies.view', 'track.view'] })
    await createDemoStudy(h, t.id)
    const planId = await createBaselinePlan(h.database.db, h.dialect, t.id, handWorkedPlan)
    const plan = await h.database.db
      .selectFrom('plans')
      .select('study_id')
      .where('id', '=', planId)
      .executeTakeFirstOrThrow()
    const S = 'studyName=DEMO-PK-01'
    runs = {
      transfer: `reportName=transfer&${S}&includeUnlockedForms=true&includeSiteId=true&uniqueRowId=true`,
      subjects: `reportName=subjects&${S}`,
      'visit-completion': `reportName=visit-completion&${S}`,
      'recruitment-funnel': `reportName=recruitment-funnel&${S}`,
      'track-performance': `reportName=track-performance&studyId=${plan.study_id}&dateTo=2012-10-15`,
    }
  })

  test('every report in XPT reads back through xport-js to the values of its CSV', async () => {
    for (const [name, query] of Object.entries(runs)) {
      const csv = parseCsv((await get(query)).body)
      const res = await get(`${query}&format=xpt`).catch((err: unknown) => {
        throw new Error(`${name}: ${String(err)}`)
      })
      assert.equal(res.statusCode, 200, `${name}: ${res.body.slice(0, 300)}`)
      assert.equal(res.headers['content-type'], 'application/x-sas-xport')
      assert.match(String(res.headers['content-disposition']), /^attachment; filename="[^"]+\.xpt"$/)
      const xpt = await readXpt(res.rawPayload)
      const [header = [], ...rows] = csv
      assert.equal(xpt.variables.length, header.length, name)
      const width = xpt.variables.reduce((n, v) => n + v.length, 0)
      // The last 80-byte record is padded with blanks, which a reader may take for more observations.
      assert.ok(xpt.rows.length >= rows.length && (xpt.rows.length - rows.length) * width < 80, name)
      assert.ok(rows.length > 0, name)
      rows.forEach((row, r) => {
        row.forEach((cell, c) => {
          const value = xpt.rows[r]?.[c] ?? null
          assert.ok(
            sameAsCsv(xpt, c, value, cell),
            `${name} row ${r + 1} ${header[c]}: ${JSON.stringify(value)} vs ${cell}`,
          )
        })
      })
      for (const v of xpt.variables) {
        assert.match(v.name, /^[A-Z_][A-Z0-9_]{0,7}$/)
        assert.ok(v.label.length <= 40)
      }
      assert.equal(new Set(xpt.variables.map((v) => v.name)).size, xpt.variables.length)
    }
  })

  test('XPT names, labels, types and lengths follow the rules', async () => {
    const xpt = await readXpt((await get(`${runs.subjects}&format=xpt`)).rawPayload)
    const byName = new Map(xpt.variables.map((v) => [v.name, v]))
    assert.deepEqual(
      xpt.variables.map((v) => v.name),
      [
        'STUDYID',
        'SITEID',
        'USUBJID',
        'SUBJID',
        'COHORT',
        'STATUS',
        'ENROLLED',
        'RANDOMIS',
        'OBSERVAT',
        'LOCKED_O',
      ],
    )
    assert.equal(byName.get('STUDYID')?.label, 'Study Identifier')
    assert.equal(byName.get('STUDYID')?.length, 'DEMO-PK-01'.length)
    assert.equal(byName.get('SITEID')?.type, 'Num')
    assert.equal(byName.get('ENROLLED')?.formatName, 'E8601DA')
    const transfer = await readXpt((await get(`${runs.transfer}&format=xpt`)).rawPayload)
    const collected = transfer.variables.find((v) => v.name === 'COLLECTE')
    assert.equal(collected?.formatName, 'E8601DT')
    assert.deepEqual(transfer.dataset, { name: 'TRANSFER', label: 'Data transfer' })
  })

  test('Dataset-JSON and NDJSON are valid against the official schemas and carry the rows of the CSV', async () => {
    const { json: validJson, ndjson: validNdjson } = datasetJsonValidators()
    for (const [name, query] of Object.entries(runs)) {
      const [header = [], ...rows] = parseCsv((await get(query)).body)
      const res = await get(`${query}&format=dataset-json`)
      assert.equal(res.statusCode, 200, res.body.slice(0, 300))
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8')
      assert.match(String(res.headers['content-disposition']), /\.json"$/)
      const doc = res.json<Dataset>()
      assert.ok(validJson(doc), `${name}: ${JSON.stringify(validJson.errors)}`)
      assert.equal(doc.records, rows.length, name)
      assert.deepEqual(
        doc.columns.map((c) => c.name),
        header,
      )
      const nd = await get(`${query}&format=dataset-ndjson`)
      assert.equal(nd.headers['content-type'], 'application/x-ndjson; charset=utf-8')
      for (const format of ['xpt', 'dataset-ndjson']) {
        const zipped = await h.app.inject({
          url: `/api/v1/invokeReport?${runs.transfer}&format=${format}`,
          headers: { ...t.basic, 'accept-encoding': 'gzip' },
        })
        assert.equal(zipped.headers['content-encoding'], 'gzip', `${format} is compressed when asked`)
      }
      assert.match(String(nd.headers['content-disposition']), /\.ndjson"$/)
      const [first = '', ...lines] = nd.body.trimEnd().split('\n')
      const meta = JSON.parse(first) as Dataset
      assert.ok(validNdjson(meta), `${name}: ${JSON.stringify(validNdjson.errors)}`)
      assert.equal(meta.records, rows.length)
      const ndRows = lines.map((l) => JSON.parse(l) as (string | number | null)[])
      assert.deepEqual(ndRows, doc.rows, name)
      rows.forEach((row, r) => {
        row.forEach((cell, c) => {
          assert.ok(
            jsonSameAsCsv(doc.rows?.[r]?.[c] ?? null, cell),
            `${name} row ${r + 1} ${header[c]}: ${JSON.stringify(doc.rows?.[r]?.[c])} vs ${cell}`,
          )
        })
      })
    }
    const transfer = (await get(`${runs.transfer}&format=dataset-json&subjects=1001`)).json<Dataset>()
    const types = Object.fromEntries(transfer.columns.map((c) => [c.name, c.dataType]))
    assert.equal(types.COLLECTED_AT, 'datetime')
    assert.equal(types.VISITDY, 'integer')
    assert.deepEqual(
      transfer.columns.filter((c) => c.keySequence).map((c) => [c.name, c.keySequence]),
      [
        ['STUDYID', 1],
        ['USUBJID', 2],
        ['VISIT', 3],
        ['ITEM', 4],
      ],
    )
  })

  test('text XPT cannot hold is a 422 before the first byte; truncate=true cuts it and makes it ASCII', async () => {
    const tt = await createTenant(h, { actions: ['api', 'reports.run'] })
    await createDemoStudy(h, tt.id)
    const one = await h.database.db
      .selectFrom('observations')
      .select('id')
      .where('tenant_id', '=', tt.id)
      .orderBy('id')
      .limit(2)
      .execute()
    const [a, b] = one.map((o) => o.id)
    await h.database.db
      .updateTable('observations')
      .set({ value: 'x'.repeat(250), locked: 1 })
      .where('id', '=', a!)
      .execute()
    await h.database.db
      .updateTable('observations')
      .set({ unit: 'µmol/L Ödem', locked: 1 })
      .where('id', '=', b!)
      .execute()
    const q = 'reportName=transfer&studyName=DEMO-PK-01&uniqueRowId=true'
    const refused = await get(`${q}&format=xpt`, tt)
    assert.equal(refused.statusCode, 422)
    const errors = refused.json<Problem>().errors ?? []
    assert.deepEqual(
      errors.map((e) => [e.path, e.rule]),
      [
        ['format', 'maxLength'],
        ['format', 'encoding'],
      ],
    )
    assert.match(errors[0]?.message ?? '', /VALUE holds a value of 250 bytes.*truncate=true/)
    assert.match(errors[1]?.message ?? '', /UNIT holds characters outside ASCII/)
    const job = await h.app.inject({
      method: 'POST',
      url: '/api/v1/reports/jobs',
      headers: tt.basic,
      payload: { reportName: 'transfer', studyName: 'DEMO-PK-01', format: 'xpt' },
    })
    assert.equal(job.statusCode, 422, 'a job is refused at submission too')
    assert.deepEqual(
      job.json<Problem>().errors?.map((e) => e.rule),
      ['maxLength', 'encoding'],
    )
    const cut = await get(`${q}&format=xpt&truncate=true`, tt)
    assert.equal(cut.statusCode, 200)
    const xpt = await readXpt(cut.rawPayload)
    const value = xpt.variables.findIndex((v) => v.name === 'VALUE')
    const unit = xpt.variables.findIndex((v) => v.name === 'UNIT')
    assert.equal(xpt.variables[value]?.length, 200)
    const row = (id: number) => xpt.rows.find((r) => r[0] === id) ?? []
    assert.equal(row(a!)[value], 'x'.repeat(200))
    assert.equal(row(b!)[unit], 'mmol/L Odem'.replace('m', '?'))
    // Dataset-JSON holds both as they are.
    const doc = (await get(`${q}&format=dataset-json`, tt)).json<Dataset>()
    assert.ok(doc.rows?.some((r) => r.includes('x'.repeat(250))))
    assert.ok(doc.rows?.some((r) => r.includes('µmol/L Ödem')))
  })

  test(
    'ODM is valid against the official CDISC ODM 1.3.2 XSD, whole and narrowed',
    { skip: hasXmllint() ? false : 'xmllint is not installed (Debian: apt-get install libxml2-utils)' },
    async () => {
      for (const q of [
        `${runs.transfer}`,
        `${runs.transfer}&subjects=1003`,
        `${runs.transfer}&subjects=1001,1002`,
      ]) {
        const res = await get(`${q}&format=odm`)
        assert.equal(res.statusCode, 200)
        assert.equal(odmSchemaErrors(res.body), '', q)
      }
      assert.match(
        (await get(`${runs.transfer}&subjects=1003&format=odm`)).body,
        /Granularity="SingleSubject"/,
      )
    },
  )

  test('the catalogue offers the new formats, with dataset names and keys; a bad truncate is a 422', async () => {
    const cat = (await h.app.inject({ url: '/api/v1/reports', headers: t.basic })).json<{
      reports: { name: string; dataset: string; formats: string[]; keys: string[] }[]
    }>()
    for (const r of cat.reports) {
      for (const f of ['xpt', 'dataset-json', 'dataset-ndjson'])
        assert.ok(r.formats.includes(f), `${r.name} ${f}`)
      assert.match(r.dataset, /^[A-Z][A-Z0-9_]{0,7}$/)
      assert.ok(r.keys.length > 0)
    }
    const accepted = await h.app.inject({
      url: `/api/v1/invokeReport?${runs.subjects}`,
      headers: { ...t.basic, accept: 'application/x-sas-xport' },
    })
    assert.equal(accepted.headers['content-type'], 'application/x-sas-xport')
    const nd = await h.app.inject({
      url: `/api/v1/invokeReport?${runs.subjects}`,
      headers: { ...t.basic, accept: 'application/x-ndjson' },
    })
    assert.equal(nd.headers['content-type'], 'application/x-ndjson; charset=utf-8')
    for (const format of ['xpt', 'dataset-ndjson']) {
      const zipped = await h.app.inject({
        url: `/api/v1/invokeReport?${runs.transfer}&format=${format}`,
        headers: { ...t.basic, 'accept-encoding': 'gzip' },
      })
      assert.equal(zipped.headers['content-encoding'], 'gzip', `${format} is compressed when asked`)
    }
    const bad = await get(`${runs.subjects}&format=xpt&truncate=maybe`)
    assert.equal(bad.statusCode, 422)
    const stranger = await createTenant(h, { actions: ['api', 'reports.run'] })
    const hidden = await get(`${runs.subjects}&format=xpt`, stranger)
    assert.equal(hidden.statusCode, 422)
    assert.deepEqual(
      hidden.json<Problem>().errors?.map((e) => e.path),
      ['studyName'],
    )
  })
})
