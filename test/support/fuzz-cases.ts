import fc from 'fast-check'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { parseJsonBody } from '../../src/http/body.js'

/** Raw JSON values no schema should let through: non-finite, out of range, not text, too deep, too long. */
export const POISON_JSON = [
  '1e309',
  '-1e309',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
  '-0',
  '1e-400',
  '"0x10"',
  '"1e1"',
  '"\\ud800"',
  '"a\\udc00b"',
  '"\\udbff\\udbff"',
  '"a\\u0000b"',
  `"${'x'.repeat(70_000)}"`,
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`,
  `[${Array.from({ length: 5_000 }, () => '{}').join(',')}]`,
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  'null',
  'true',
  '{}',
  '[]',
]

/** Path and query values that are not decimal integers in range (some percent-encoded as sent). */
export const POISON_PARAMS = [
  '0x10',
  '%201',
  '1e1',
  '+1',
  '1.5',
  '-1',
  '0',
  '-0',
  '2147483648',
  '9223372036854775808',
  '1e309',
  'NaN',
  'Infinity',
  'abc',
  '%ED%A0%80',
  '%FF',
  '%00',
  'x'.repeat(5_000),
]

/** Whole bodies that break any parser's assumptions. */
export function poisonBodies(bodyLimit: number): Buffer[] {
  return [
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"a":"\xff\xfe"}
    Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d, 0xc3]), // BOM, {}, a cut two-byte sequence
    Buffer.from('{"a":1'),
    Buffer.from(''),
    Buffer.from('[1,2,'.repeat(1000)),
    Buffer.alloc(bodyLimit + 1, 0x20),
  ]
}

const ELEMENT = fc.constantFrom(
  'actualSites',
  'location',
  'periods',
  'a',
  '__proto__',
  'constructor',
  'prototype',
)
const TEXT = fc.oneof(
  fc.constantFrom('1e309', '-0', '0x10', '&#xD800;', '&amp;', ']]>', 'x'.repeat(200_000), ''),
  fc.string({ maxLength: 20 }),
)

/** Random XML documents (no lockToken, so none can be a valid Track update), plus the flood and nesting cases. */
export const xmlBodies: fc.Arbitrary<string> = fc.oneof(
  fc
    .letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.tuple(ELEMENT, TEXT).map(([n, t]) => `<${n}>${t}</${n}>`),
        fc
          .tuple(ELEMENT, fc.array(tie('node'), { maxLength: 4 }))
          .map(([n, kids]) => `<${n}>${kids.join('')}</${n}>`),
      ),
    }))
    .node.map((x) => `<actualSites>${x}</actualSites>`),
  fc.constantFrom(
    `${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}`,
    `<actualSites>${'<a>1</a>'.repeat(30_000)}</actualSites>`,
    `<actualSites><a ${Array.from({ length: 100 }, (_, i) => `x${i}="1"`).join(' ')}/></actualSites>`,
    '<!DOCTYPE a [<!ENTITY e "e">]><actualSites>&e;</actualSites>',
    '<actualSites><a>1</b></actualSites>',
    '<actualSites><![CDATA[x',
    '<?xml version="1.0"?><actualSites>',
  ),
)

type Schema = Record<string, unknown>

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true })
addFormatsModule.default(ajv)

/** Whether the server must refuse `raw` for a body of `schema`: its parser refuses it, or the schema does. */
export function mustRefuse(schema: Schema | undefined, raw: Buffer): boolean {
  let value: unknown
  try {
    value = parseJsonBody(raw)
  } catch {
    return true
  }
  if (schema === undefined) return false
  return !ajv.validate(schema, value)
}

/** Objects of the schema's own property names, each value a poison or random JSON (as raw text). */
function poisonedObject(schema: Schema): fc.Arbitrary<string> {
  const props = Object.keys(schema.properties ?? {})
  const value = fc.oneof(
    fc.constantFrom(...POISON_JSON),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  )
  if (props.length === 0) return value.map((v) => `{"x":${v}}`)
  return fc
    .uniqueArray(fc.tuple(fc.constantFrom(...props), value), {
      minLength: 1,
      maxLength: props.length,
      selector: (t) => t[0],
    })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`)
}

/** Bodies that break an operation's declared JSON schema, generated from the schema itself. */
export function jsonBodies(schema: Schema | undefined): fc.Arbitrary<string> {
  const items = schema?.type === 'array' ? ((schema.items ?? {}) as Schema) : schema
  const object = items ? poisonedObject(items) : fc.constantFrom(...POISON_JSON)
  return fc.oneof(
    fc.constantFrom(...POISON_JSON),
    schema?.type === 'array'
      ? fc.array(object, { minLength: 1, maxLength: 3 }).map((xs) => `[${xs.join(',')}]`)
      : object,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  )
}
