import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseXml } from './content.js'
import { escapeXml, RawNumber, xmlDocument } from './xml.js'

test('XML escaping leaves plain text alone and escapes or drops the rest', () => {
  assert.equal(escapeXml('plain 12.5 mg'), 'plain 12.5 mg')
  assert.equal(escapeXml(`a<b & "c" 'd'>`), 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;')
  assert.equal(escapeXml('bell\u0007 tab\t nl\n'), 'bell tab\t nl\n')
  assert.equal(escapeXml('\uFFFE&'), '&amp;')
})

test('the element writer: arrays repeat, null is empty, undefined is left out, written numbers stay as written', () => {
  const xml = xmlDocument({
    plan: {
      id: 7,
      name: `Call Center <"A&B"> `,
      cost: new RawNumber('1.0'),
      done: false,
      note: null,
      gone: undefined,
      location: [{ locationId: 1 }, { locationId: 2 }],
    },
  })
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?><plan><id>7</id><name>Call Center &lt;&quot;A&amp;B&quot;&gt; </name>' +
      '<cost>1.0</cost><done>false</done><note/><location><locationId>1</locationId></location>' +
      '<location><locationId>2</locationId></location></plan>',
  )
  const { name: _name, ...rest } = (
    parseXml(xml, { arrays: ['location'] }) as { plan: Record<string, unknown> }
  ).plan
  assert.deepEqual(rest, {
    id: 7,
    cost: 1,
    done: false,
    note: null,
    location: [{ locationId: 1 }, { locationId: 2 }],
  })
})

test('text XML 1.0 cannot carry is dropped, so the document still parses', () => {
  const xml = xmlDocument({ x: { y: 'a\u0000b\u001Fc' } })
  assert.deepEqual(parseXml(xml), { x: { y: 'abc' } })
})
