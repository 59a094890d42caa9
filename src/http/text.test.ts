import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ValidationFailed } from '../errors.js'
import { normaliseInput } from './text.js'

test('object keys are NFC-normalised like values, in place and in order, at any depth', () => {
  const out = normaliseInput(
    JSON.parse('{"a":1,"Mu\\u0308ller":{"e\\u0301":"e\\u0301"},"z":[{"n\\u0303":true}]}'),
    'body',
  )
  assert.deepEqual(out, { a: 1, 'M\u00fcller': { '\u00e9': '\u00e9' }, z: [{ '\u00f1': true }] })
  assert.deepEqual(Object.keys(out as object), ['a', 'M\u00fcller', 'z'])
})

test('a key with a lone surrogate, a NUL or invalid UTF-8 is a 422 naming it; two forms of one key too', () => {
  const failures = (value: unknown, invalidUtf8 = false) => {
    try {
      normaliseInput(value, 'body', { invalidUtf8 })
      return []
    } catch (err) {
      assert.ok(err instanceof ValidationFailed)
      return err.errors.map((e) => `${e.path} ${e.rule}`)
    }
  }
  assert.deepEqual(failures(JSON.parse('{"a\\ud800":1}')), ['/body/a\ud800 unicode'])
  assert.deepEqual(failures({ x: { 'a\u0000': 1 } }), ['/body/x/a\u0000 unicode'])
  assert.deepEqual(failures({ 'a\uFFFD': 1 }, true), ['/body/a\uFFFD unicode'])
  assert.deepEqual(failures({ 'e\u0301': 1, '\u00e9': 2 }), ['/body/\u00e9 duplicate'])
})

test('a flat object of printable ASCII is returned as it is; anything else in it still gets the whole check', () => {
  const plain = { planId: '10802', studyName: 'RECRUIT-PK-01', empty: '' }
  assert.equal(normaliseInput(plain, 'params'), plain)
  const refused = (value: unknown) => {
    assert.throws(() => normaliseInput(value, 'querystring'))
  }
  refused(JSON.parse('{"__proto__":"x"}'))
  refused({ constructor: 'x' })
  refused({ q: 'a\u0000b' })
  refused({ q: 'a\ud800' })
  assert.deepEqual(normaliseInput({ q: 'e\u0301' }, 'querystring'), { q: '\u00e9' })
  assert.deepEqual(normaliseInput({ 'e\u0301': 'x' }, 'querystring'), { '\u00e9': 'x' })
  assert.deepEqual(normaliseInput({ n: -0 }, 'body'), { n: 0 })
})
