import assert from 'node:assert/strict'
import { test } from 'node:test'
import { negotiate, parseXml, toXml } from './content.js'

test('negotiation honours q-values, wildcards and order of preference', () => {
  assert.equal(negotiate(undefined, ['json', 'xml']), 'json')
  assert.equal(negotiate('*/*', ['json', 'xml']), 'json')
  assert.equal(negotiate('application/xml', ['json', 'xml']), 'xml')
  assert.equal(negotiate('text/xml', ['json', 'xml']), 'xml')
  assert.equal(negotiate('application/json;q=0.2, application/xml;q=0.9', ['json', 'xml']), 'xml')
  assert.equal(negotiate('application/*', ['json', 'xml']), 'json')
  assert.equal(negotiate('text/html', ['json', 'xml']), undefined)
  assert.equal(negotiate('application/json;q=0', ['json']), undefined)
  assert.equal(negotiate('*/*;q=0.1, application/json;q=0', ['json', 'xml']), 'xml')
  // No preference in Accept: the body's format decides; an explicit Accept still wins.
  assert.equal(negotiate(undefined, ['json', 'xml'], 'xml'), 'xml')
  assert.equal(negotiate('*/*', ['json', 'xml'], 'xml'), 'xml')
  assert.equal(negotiate('application/json', ['json', 'xml'], 'xml'), 'json')
  assert.equal(negotiate(undefined, ['json'], 'xml'), 'json')
})

test('XML round trip keeps numbers, nulls and declared arrays', () => {
  const doc = { root: { n: 1.25, empty: null, item: [{ a: 1 }] } }
  const xml = toXml(doc)
  assert.deepEqual(parseXml(xml, { arrays: ['item'] }), doc)
})

test('XML with a DOCTYPE or entity is refused', () => {
  assert.throws(() => parseXml('<!DOCTYPE x><x/>'), /DOCTYPE/)
  assert.throws(() => parseXml('<x><!ENTITY e "e"></x>'), /DOCTYPE or ENTITY/)
  // The scanner refuses every `<!` that opens neither a comment nor CDATA, in any case, before anything is built.
  assert.throws(
    () => parseXml('<?xml version="1.0"?>\n<!doctype x SYSTEM "file:///etc/passwd"><x/>'),
    /DOCTYPE/,
  )
  // The words as data are data: in CDATA or a comment they are text, nothing is declared or expanded.
  assert.deepEqual(parseXml('<x><![CDATA[<!DOCTYPE y>]]><!-- <!ENTITY z "z"> --></x>'), { x: '<!DOCTYPE y>' })
})

test("XML's escapes are decoded: the five named entities and numeric references, nothing from HTML", () => {
  const xml = toXml({ v: { name: `O'Brien & "Sons" <Ltd>`, accent: 'Zoë' } })
  assert.deepEqual(parseXml(xml), { v: { name: `O'Brien & "Sons" <Ltd>`, accent: 'Zoë' } })
  assert.deepEqual(
    parseXml('<v><a>a &amp; b &lt;c&gt; &quot;q&quot; &apos;s&apos;</a><b>&#38;&#x26;&#233;</b></v>'),
    {
      v: { a: `a & b <c> "q" 's'`, b: '&&é' },
    },
  )
  assert.deepEqual(parseXml('<v>&amp;lt;</v>'), { v: '&lt;' }) // decoded once, not twice
  assert.throws(() => parseXml('<v>&#0;</v>'), /Malformed XML.*&#0; is not a character/)
  assert.throws(() => parseXml('<v>&nbsp;</v>'), /Malformed XML.*&nbsp; is not an XML entity/)
})
