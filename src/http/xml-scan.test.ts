import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_XML_LIMITS, XmlScanner } from './xml-scan.js'

/** Scans `doc` whole and one character at a time (chunk boundaries anywhere); the error message, or null. */
function scan(doc: string): string | null {
  const outcomes = [[doc], doc.split('')].map((chunks) => {
    try {
      const scanner = new XmlScanner()
      for (const chunk of chunks) scanner.write(chunk)
      return null
    } catch (err) {
      return (err as Error).message
    }
  })
  assert.equal(outcomes[0], outcomes[1], 'chunking changes nothing')
  return outcomes[0] ?? null
}

const attrs = (n: number, form: (i: number) => string) =>
  `<plan><x ${Array.from({ length: n }, (_, i) => form(i)).join(' ')}/></plan>`

test('the attribute limit is exact: 32 pass, 33 are refused, however the attributes are written', () => {
  assert.equal(DEFAULT_XML_LIMITS.maxAttributes, 32)
  const forms: ((i: number) => string)[] = [
    (i) => `a${i}="1"`,
    (i) => `a${i} = '1'`,
    (i) => `a${i}\n=\n"x=y b='c' d=e"`,
    (i) => `ns:a${i}="/>"`,
    (i) => `a${i}`,
  ]
  for (const form of forms) {
    assert.equal(scan(attrs(32, form)), null, form(0))
    assert.match(scan(attrs(33, form)) ?? '', /at \/plan\/x: an element has more than 32 attributes/, form(0))
  }
})

test('the count is per element: 32 on each of many elements, and on a self-closed one before its sibling', () => {
  const el = (name: string) =>
    `<${name} ${Array.from({ length: 32 }, (_, i) => `a${i}="${i}"`).join(' ')}>t</${name}>`
  assert.equal(scan(`<plan>${el('a')}${el('b')}<c/>${el('d')}</plan>`), null)
  assert.equal(scan(`<?xml version="1.0" encoding="UTF-8"?>${attrs(32, (i) => `a${i}="1"`)}`), null)
})
