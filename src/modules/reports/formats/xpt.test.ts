import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { readXpt } from '../../../../test/support/xpt-reader.js'
import {
  readIbm,
  writeIbm,
  xptDateTime,
  xptHeader,
  xptNames,
  XptObservations,
  XptValueError,
  type XptValue,
  type XptVariable,
} from './xpt.js'

const STANDARDS = join(import.meta.dirname, '../../../../test/fixtures/standards/dataset-json-1.1')

const ibm = (v: number | null): string => {
  const buf = Buffer.alloc(8)
  writeIbm(buf, 0, v)
  return buf.toString('hex')
}

test('IBM doubles: known bit patterns, missing values, zero and the ends of the range', () => {
  assert.equal(ibm(1), '4110000000000000')
  assert.equal(ibm(-1), 'c110000000000000')
  assert.equal(ibm(0.1), '401999999999999a')
  assert.equal(ibm(-118.625), 'c276a00000000000')
  assert.equal(ibm(8), '4180000000000000')
  assert.equal(ibm(0.25), '4040000000000000')
  assert.equal(ibm(0), '0000000000000000')
  assert.equal(ibm(-0), '0000000000000000')
  assert.equal(ibm(null), '2e00000000000000')
  assert.equal(ibm(Number.NaN), '2e00000000000000')
  assert.equal(ibm(5e-324), '0000000000000000', 'a subnormal is below the IBM range: 0')
  assert.equal(ibm(1e-80), '0000000000000000', 'under 16^-65: 0')
  assert.equal(readIbm(Buffer.from(ibm(16 ** -65), 'hex')), 16 ** -65, 'the smallest normalised IBM double')
  assert.equal(readIbm(Buffer.from(ibm(7e75), 'hex')), 7e75)
  assert.throws(() => ibm(8e75), XptValueError)
  assert.throws(() => ibm(Number.POSITIVE_INFINITY), XptValueError)
  assert.equal(readIbm(Buffer.from('2e00000000000000', 'hex')), null)
})

test('every IEEE double in the IBM range converts exactly and back', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -7e75, max: 7e75 }), (v) => {
      const back = readIbm(Buffer.from(ibm(v), 'hex'))
      if (Math.abs(v) < 16 ** -65) return back === 0
      return back === v
    }),
    { numRuns: 20000 },
  )
  for (const v of [Number.MAX_SAFE_INTEGER, -Number.MIN_SAFE_INTEGER, 1 / 3, Math.PI, 2 ** -200, 123456.789])
    assert.equal(readIbm(Buffer.from(ibm(v), 'hex')), v)
})

test('names: upper case, at most 8 characters, unique by a numbered ending, never starting with a digit', () => {
  assert.deepEqual(
    xptNames([
      'STUDYID',
      'LOCKED_OBSERVATIONS',
      'LOCKED_OBSERVED',
      'locked_o',
      'percent complete',
      '1st',
      'naïve',
    ]),
    ['STUDYID', 'LOCKED_O', 'LOCKED_2', 'LOCKED_3', 'PERCENT_', '_1ST', 'NAIVE'],
  )
  const many = xptNames(Array.from({ length: 12 }, () => 'SAMENAME'))
  assert.equal(new Set(many).size, 12)
  assert.ok(many.every((n) => n.length <= 8))
  assert.equal(xptDateTime(new Date('2020-08-21T09:14:29Z')), '21AUG20:09:14:29')
})

interface DatasetJson {
  name: string
  label: string
  columns: { name: string; label: string; dataType: string; length?: number }[]
  rows: (string | number | null)[][]
}

test("the official example dm.json written as XPT is byte for byte SAS's own dm.xpt", async () => {
  const dm = JSON.parse(readFileSync(join(STANDARDS, 'dm.json'), 'utf8')) as DatasetJson
  const variables: XptVariable[] = dm.columns.map((c) => {
    const numeric = c.dataType === 'integer'
    // dm.json gives no length for its date columns (ISO 8601 text); SAS made them 10, an ISO date's length.
    const length = numeric ? 8 : (c.length ?? (c.dataType === 'date' ? 10 : 200))
    return { name: c.name, label: c.label, type: numeric ? 'num' : 'char', length }
  })
  const obs = new XptObservations(variables)
  const written = Buffer.concat([
    xptHeader({
      name: dm.name,
      label: dm.label,
      variables,
      created: new Date('2020-08-21T09:14:29Z'),
      sasVersion: '9.4',
      os: 'X64_10PR',
    }),
    obs.encode(dm.rows),
    obs.end(),
  ])
  const sas = readFileSync(join(STANDARDS, 'dm.xpt'))
  const first = written.findIndex((b, i) => b !== sas[i])
  assert.equal(first, -1, `first difference at byte ${first}`)
  assert.equal(written.length, sas.length)
  const back = await readXpt(written)
  assert.deepEqual(
    back.rows.slice(0, dm.rows.length),
    dm.rows.map((r) => r.map((v) => (typeof v === 'string' ? v.trim() : v))),
  )
})

test('text that does not fit is refused, or cut and made ASCII only when asked', () => {
  const vars: XptVariable[] = [{ name: 'T', label: 'Text', type: 'char', length: 4 }]
  const rows: XptValue[][] = [['abcdef'], ['café']]
  assert.throws(() => new XptObservations(vars).encode(rows.slice(0, 1)), XptValueError)
  assert.throws(() => new XptObservations(vars).encode(rows.slice(1)), XptValueError)
  assert.equal(new XptObservations(vars, true).encode(rows).toString('latin1'), 'abcdcafe')
})
