import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import { XMLParser } from 'fast-xml-parser'
import { createTenant, onEveryDatabase, type TestTenant } from '../../../test/support/harness.js'
import { createDemoStudy, createStudy } from '../../../test/support/study-data.js'
import { systemActor } from '../audit/service.js'
import { restrictUserToStudies } from '../conduct/access.js'

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden')

/** Compares with a golden file; UPDATE_GOLDEN=1 writes it instead. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name)
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true })
    writeFileSync(file, actual)
    if (process.env.UPDATE_GOLDEN !== '1')
      assert.fail(`golden file ${name} was missing; written, check it in`)
    return
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `differs from golden/${name}`)
}

interface Problem {
  status: number
  detail: string
  errors?: { path: string; message: string; rule: string }[]
}

onEveryDatabase('Report API', (h) => {
  let t: TestTenant
  let studyId: number
  const run = (query: string, headers: Record<string, string> = t.basic) =>
    h.app.inject({ url: `/api/v1/invokeReport?${query}`, headers })
  const S = 'studyName=DEMO-PK-01'

  test('setup: a tenant with the demo study', async () => {
    t = await createTenant(h, { actions: ['api', 'reports.run', 'studies.view'] })
    studyId = await createDemoStudy(h, t.id)
  })

  test('the catalogue lists each report with its parameters, formats and role action', async () => {
    const res = await h.app.inject({ url: '/api/v1/reports', headers: t.bearer })
    assert.equal(res.statusCode, 200)
    const reports = res.json<{
      reports: { name: string; action: string; parameters: { name: string }[] }[]
    }>().reports
    assert.deepEqual(
      reports.map((r) => r.name),
      ['transfer', 'subjects', 'visit-completion', 'recruitment-funnel', 'track-performance'],
    )
    const transfer = reports[0]!
    assert.equal(transfer.action, 'reports.run')
    for (const p of [
      'delimiter',
      'uniqueRowId',
      'includeUnlockedForms',
      'includeSiteId',
      'usubjidSeparator',
      'usubjidParts',
    ])
      assert.ok(
        transfer.parameters.some((x) => x.name === p),
        p,
      )
  })

  test('transfer CSV: locked data only by default, every setting applied, streamed with its file name', async () => {
    const res = await run(`reportName=transfer&${S}&subjects=1001,1003&includeSiteId=true`)
    assert.equal(res.statusCode, 200)
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8')
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="transfer_DEMO-PK-01_\d{8}T\d{6}Z\.csv"$/,
    )
    golden('transfer-locked.csv', res.body)
    const all = await run(
      `reportName=transfer&${S}&subjects=1001&includeUnlockedForms=true&delimiter=;&usubjidSeparator=/&usubjidParts=subject,site`,
    )
    golden('transfer-settings.csv', all.body)
  })

  test('transfer CSV neutralises a value a spreadsheet would run as a formula', async () => {
    const res = await run(`reportName=transfer&${S}&subjects=1003&timepoints=Day 1 1h`)
    assert.match(res.body, /"'=HYPERLINK\(/)
    assert.doesNotMatch(res.body, /,=HYPERLINK/)
  })

  test('unique row ids are unique; narrowing returns exactly the subjects, timepoints and dates asked for', async () => {
    const ids = (await run(`reportName=transfer&${S}&uniqueRowId=true&includeUnlockedForms=true`)).body
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(',')[0])
    assert.equal(ids.length, 1606)
    assert.equal(new Set(ids).size, ids.length)
    const narrowed = (
      await run(
        `reportName=transfer&${S}&subjects=1002,1020&timepoints=Day 1 2h,Follow-up&includeUnlockedForms=true&format=json`,
      )
    ).json<{ SUBJID: string; VISIT: string }[]>()
    assert.equal(narrowed.length, 2 * 7 + 2 * 6)
    assert.ok(
      narrowed.every(
        (r) => ['1002', '1020'].includes(r.SUBJID) && ['Day 1 2h', 'Follow-up'].includes(r.VISIT),
      ),
    )
    const dated = (
      await run(
        `reportName=transfer&${S}&dateFrom=2026-03-03&dateTo=2026-03-09&includeUnlockedForms=true&format=json`,
      )
    ).json<{ VISIT: string }[]>()
    assert.deepEqual([...new Set(dated.map((r) => r.VISIT))], ['Day 2 24h', 'Follow-up'])
  })

  test('JSON, XML and visit-completion match their golden files', async () => {
    golden(
      'transfer.json.txt',
      (
        await run(
          `reportName=transfer&${S}&subjects=1024&timepoints=Day 1 8h&includeUnlockedForms=true&format=json`,
        )
      ).body,
    )
    const xml = await run(`reportName=subjects&${S}&format=xml&subjects=1001,1012,1013`)
    assert.equal(xml.headers['content-type'], 'application/xml; charset=utf-8')
    golden('subjects.xml', xml.body)
    golden('visit-completion.csv', (await run(`reportName=visit-completion&${S}`)).body)
  })

  test('ODM is 1.3.2 ClinicalData: SubjectData → StudyEventData → FormData → ItemGroupData → ItemData', async () => {
    const res = await run(
      `reportName=transfer&${S}&subjects=1001,1002&timepoints=Screening,Day 1 1h&format=odm`,
    )
    assert.equal(res.headers['content-type'], 'application/vnd.cdisc.odm+xml; charset=utf-8')
    golden('transfer.odm.xml', res.body.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<now>'))
    const arrays = new Set(['SubjectData', 'StudyEventData', 'FormData', 'ItemGroupData', 'ItemData'])
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (n) => arrays.has(n) }).parse(res.body) as {
      ODM: Record<string, unknown> & {
        ClinicalData: {
          SubjectData: { StudyEventData: { FormData: { ItemGroupData: { ItemData: object[] }[] }[] }[] }[]
        }
      }
    }
    assert.equal(doc.ODM['@_xmlns'], 'http://www.cdisc.org/ns/odm/v1.3')
    assert.equal(doc.ODM['@_ODMVersion'], '1.3.2')
    const subjects = doc.ODM.ClinicalData.SubjectData
    assert.equal(subjects.length, 2)
    const items = subjects.flatMap((s) =>
      s.StudyEventData.flatMap((e) => e.FormData.flatMap((f) => f.ItemGroupData.flatMap((g) => g.ItemData))),
    )
    const csvRows =
      (await run(`reportName=transfer&${S}&subjects=1001,1002&timepoints=Screening,Day 1 1h`)).body
        .trim()
        .split('\r\n').length - 1
    assert.equal(items.length, csvRows)
  })

  test('Excel: a workbook with the same rows as the CSV, numbers as numbers and dates as dates', async () => {
    const q = `reportName=transfer&${S}&subjects=1005&includeUnlockedForms=true`
    const res = await run(`${q}&format=xlsx`)
    assert.equal(
      res.headers['content-type'],
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const sheet = wb.getWorksheet('transfer')!
    const csv = (await run(q)).body.trim().split('\r\n')
    assert.equal(sheet.rowCount, csv.length)
    const header = csv[0]!.split(',')
    const at = (name: string) => header.indexOf(name) + 1
    for (let r = 2; r <= sheet.rowCount; r++) {
      const cells = (sheet.getRow(r).values as unknown[]).slice(1)
      const text = csv[r - 1]!.split(',')
      // Typed cells read back as the CSV's text: dates as ISO, numbers as numbers.
      const back = cells.map((v) => (v instanceof Date ? v.toISOString() : String(v)))
      assert.deepEqual(
        back,
        text.map((v, i) => (i === at('VALUE') - 1 && /^-?\d+(\.\d+)?$/.test(v) ? String(Number(v)) : v)),
      )
    }
    const row = sheet.getRow(2)
    assert.ok(row.getCell(at('COLLECTED_AT')).value instanceof Date)
    assert.equal(row.getCell(at('COLLECTED_AT')).numFmt, 'yyyy-mm-dd hh:mm:ss.000')
    assert.equal(typeof row.getCell(at('VISITDY')).value, 'number')
    assert.equal(typeof row.getCell(at('VALUE')).value, 'number', 'a numeric value is a number')
    assert.equal(typeof row.getCell(at('SUBJID')).value, 'string', 'identifiers stay text')
    const subjects = await run(`reportName=subjects&${S}&subjects=1001&format=xlsx`)
    const wb2 = new ExcelJS.Workbook()
    await wb2.xlsx.load(subjects.rawPayload as unknown as ArrayBuffer)
    const enrolled = wb2.getWorksheet('subjects')!.getRow(2).getCell(7)
    assert.deepEqual(enrolled.value, new Date('2026-02-10T00:00:00Z'))
    assert.equal(enrolled.numFmt, 'yyyy-mm-dd')
    const visits = await run(`reportName=visit-completion&${S}&format=xlsx`)
    const wb3 = new ExcelJS.Workbook()
    await wb3.xlsx.load(visits.rawPayload as unknown as ArrayBuffer)
    assert.equal(wb3.getWorksheet('visit-completion')!.getRow(2).getCell(9).value, 75)
  })

  test('POST takes the same parameters as JSON, lists as arrays', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invokeReport',
      headers: t.basic,
      payload: { reportName: 'transfer', studyId, subjects: ['1001', '1003'], includeSiteId: true },
    })
    assert.equal(res.statusCode, 200)
    golden('transfer-locked.csv', res.body)
  })

  test('bad parameters → 422 naming each parameter', async () => {
    const bad = async (q: string, paths: string[]) => {
      const res = await run(q)
      assert.equal(res.statusCode, 422, q)
      assert.deepEqual(
        res.json<Problem>().errors?.map((e) => e.path),
        paths,
        q,
      )
    }
    await bad(`reportName=nope&${S}`, ['reportName'])
    await bad(`reportName=subjects&${S}&format=odm`, ['format'])
    await bad('reportName=transfer', ['studyId'])
    await bad(`reportName=transfer&${S}&subjects=1001,9999`, ['subjects'])
    await bad(`reportName=transfer&${S}&timepoints=Day 99`, ['timepoints'])
    await bad(`reportName=transfer&${S}&dateFrom=yesterday`, ['dateFrom'])
    await bad(`reportName=transfer&${S}&usubjidParts=study,planet`, ['usubjidParts'])
    await bad(`reportName=transfer&${S}&colour=red`, ['/querystring/colour'])
    await bad(`reportName=transfer&studyName=NOPE`, ['studyName'])
  })

  test('a restricted study is refused; without reports.run → 403; another tenant cannot see the study', async () => {
    const restricted = await createTenant(h, { actions: ['api', 'reports.run'] })
    await createDemoStudy(h, restricted.id)
    const other = await createStudy(h, restricted.id, 'OTHER-1')
    await restrictUserToStudies(h.database.db, systemActor(restricted.id), restricted.userId, [other])
    const refused = await run(`reportName=transfer&${S}`, restricted.basic)
    assert.equal(refused.statusCode, 403)
    assert.match(refused.json<Problem>().detail, /restricted/)
    const noAction = await createTenant(h, { actions: ['api', 'studies.view'] })
    await createDemoStudy(h, noAction.id)
    assert.equal((await run(`reportName=transfer&${S}`, noAction.basic)).statusCode, 403)
    const stranger = await createTenant(h, { actions: ['api', 'reports.run'] })
    const res = await run(`reportName=transfer&studyId=${studyId}`, stranger.basic)
    assert.equal(res.statusCode, 422)
    assert.deepEqual(
      res.json<Problem>().errors?.map((e) => e.path),
      ['studyId'],
    )
  })

  test('every run is audited: who, which report, which parameters, how many rows', async () => {
    const res = await run(`reportName=transfer&${S}&subjects=1007&timepoints=Screening`)
    assert.equal(res.statusCode, 200)
    let entry: { after: string | null; actor_user_id: number | null } | undefined
    for (let i = 0; i < 50 && !entry; i++) {
      entry = await h.database.db
        .selectFrom('audit_log')
        .select(['after', 'actor_user_id'])
        .where('tenant_id', '=', t.id)
        .where('action', '=', 'report.run')
        .where('after', 'like', '%"1007"%')
        .executeTakeFirst()
      if (!entry) await new Promise((r) => setTimeout(r, 20))
    }
    assert.ok(entry)
    assert.equal(entry.actor_user_id, t.userId)
    const after = JSON.parse(entry.after ?? '{}') as {
      report: string
      rows: number
      completed: boolean
      parameters: { subjects: string[] }
    }
    assert.equal(after.report, 'transfer')
    assert.equal(after.rows, 6)
    assert.equal(after.completed, true)
    assert.deepEqual(after.parameters.subjects, ['1007'])
  })

  test('a tenant can require another role action for a report', async () => {
    const tt = await createTenant(h, { actions: ['api', 'reports.run'] })
    await createDemoStudy(h, tt.id)
    await h.database.db
      .updateTable('tenants')
      .set({ settings: JSON.stringify({ reportActions: { transfer: 'audit.view' } }) })
      .where('id', '=', tt.id)
      .execute()
    const cat = (await h.app.inject({ url: '/api/v1/reports', headers: tt.basic })).json<{
      reports: { name: string; action: string }[]
    }>()
    assert.equal(cat.reports.find((r) => r.name === 'transfer')?.action, 'audit.view')
    assert.equal((await run(`reportName=transfer&${S}`, tt.basic)).statusCode, 403)
    assert.equal((await run(`reportName=subjects&${S}`, tt.basic)).statusCode, 200)
  })
})
