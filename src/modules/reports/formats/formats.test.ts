import assert from 'node:assert/strict'
import { test } from 'node:test'
import { stringify } from 'csv-stringify/sync'
import { csvRecord } from './tabular.js'
import type { Cell } from '../producers/conduct.js'

// Values that exercise every rule: quoting, quote doubling, line breaks, formula prefixes (ASCII and full-width),
// negative numbers (left alone) against text that starts with '-', empty text and null.
const CELLS: Cell[] = [
  null,
  '',
  'plain',
  0,
  -1.5,
  12.75,
  1e21,
  '-1.5',
  '=SUM(A1:A2)',
  '+1',
  '@cmd',
  '\tindented',
  '\rreturn',
  'line\nbreak',
  'crlf\r\nend',
  'ends with\r',
  'say "hi"',
  '"',
  'a,b',
  'a;b',
  'a|b',
  'a\tb',
  '\uFF1Dfull-width equals',
  '\uFF0B',
  '\uFF0D',
  '\uFF20at',
  "'already",
  'ünïcödé 漢字 😀',
  ' spaced ',
]

test('CSV records are byte for byte what csv-stringify writes, for every delimiter', () => {
  for (const delimiter of [',', ';', '|', '\t']) {
    const options = {
      delimiter,
      escape_formulas: true,
      record_delimiter: '\r\n' as const,
      quoted_match: /[\r\n]/,
    }
    for (const cell of CELLS) {
      const row = ['x', cell, 'y']
      assert.equal(
        csvRecord(row, delimiter),
        stringify([row], options),
        `${JSON.stringify(cell)} with ${delimiter}`,
      )
      assert.equal(csvRecord([cell], delimiter), stringify([[cell]], options), JSON.stringify(cell))
    }
    assert.equal(csvRecord(CELLS, delimiter), stringify([CELLS], options))
    assert.equal(csvRecord([null, null], delimiter), stringify([[null, null]], options))
  }
})
