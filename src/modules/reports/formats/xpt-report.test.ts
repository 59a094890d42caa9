import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { readXpt } from '../../../../test/support/xpt-reader.js'
import { exportColumns, profileByScan } from './columns.js'
import type { Cell, Table } from '../producers/conduct.js'
import { sasDate, sasDateTime, xptChunks } from './xpt-report.js'

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'fixed.xpt')

const COLUMNS = ['STUDYID', 'SITEID', 'ENROLLED_ON', 'COLLECTED_AT', 'PERCENT_COMPLETE', 'VALUE', 'BAC']
/** A small fixed data set with the values a float or padding mistake would change. */
const ROWS: Cell[][] = [
  ['PK-01', 101, '1960-01-01', '1960-01-01T00:00:00.000Z', '0.0', 'a', 0],
  ['PK-01', null, '2026-02-10', '2026-02-15T08:00:00.125Z', '87.5', 'longer text, 24 bytes ..', -118.625],
  ['PK-01', -1, '1959-12-31', '1959-12-31T23:59:59.000Z', '100', null, 0.1],
  ['PK-01', 2 ** 31, null, null, null, '', 123456789.25],
]

function table(): Table {
  async function* batches(): AsyncGenerator<Cell[][]> {
    yield ROWS.slice(0, 3)
    yield ROWS.slice(3)
  }
  return { columns: COLUMNS, batches: batches() }
}

async function written(): Promise<Buffer> {
  const profile = await profileByScan(table())
  const columns = exportColumns(COLUMNS, profile, { name: 'fixed', keys: ['STUDYID'] })
  const meta = {
    dataset: 'FIXED',
    label: 'A fixed data set',
    created: new Date('2026-01-02T03:04:05Z'),
    truncate: false,
  }
  const parts: Buffer[] = []
  for await (const b of xptChunks(table(), columns, meta, { rows: 0 })) parts.push(b)
  return Buffer.concat(parts)
}

test('SAS dates and date-times count from 1960-01-01', () => {
  assert.equal(sasDate('1960-01-01'), 0)
  assert.equal(sasDate('1959-12-31'), -1)
  assert.equal(sasDate('2026-02-10'), 24147)
  assert.equal(sasDateTime('1960-01-02T00:00:01Z'), 86401)
  assert.equal(sasDateTime('2026-02-15T08:00:00.125Z'), 2086761600.125)
})

test('a fixed data set is written byte for byte as the committed golden file (UPDATE_GOLDEN=1 rewrites it)', async () => {
  const bytes = await written()
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN)) {
    writeFileSync(GOLDEN, bytes)
    if (process.env.UPDATE_GOLDEN !== '1') assert.fail('golden/fixed.xpt was missing; written, check it in')
  }
  const golden = readFileSync(GOLDEN)
  const first = bytes.findIndex((b, i) => b !== golden[i])
  assert.equal(first, -1, `differs from golden/fixed.xpt at byte ${first}`)
  assert.equal(bytes.length, golden.length)
  assert.equal(bytes.length % 80, 0)
  const back = await readXpt(bytes)
  assert.deepEqual(
    back.variables.map((v) => [v.name, v.type, v.length, v.formatName]),
    [
      ['STUDYID', 'Char', 5, ''],
      ['SITEID', 'Num', 8, ''],
      ['ENROLLED', 'Num', 8, 'E8601DA'],
      ['COLLECTE', 'Num', 8, 'E8601DT'],
      ['PERCENT_', 'Num', 8, ''],
      ['VALUE', 'Char', 24, ''],
      ['BAC', 'Num', 8, ''],
    ],
  )
  assert.deepEqual(back.rows.slice(0, 4), [
    ['PK-01', 101, 0, 0, 0, 'a', 0],
    ['PK-01', null, 24147, 2086761600.125, 87.5, 'longer text, 24 bytes ..', -118.625],
    ['PK-01', -1, -1, -1, 100, '', 0.1],
    ['PK-01', 2 ** 31, null, null, null, '', 123456789.25],
  ])
})
