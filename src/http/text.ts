import type { FastifyInstance } from 'fastify'
import { isUtf8 } from 'node:buffer'
import { BadRequest, MAX_LISTED_ERRORS, ValidationFailed, type FieldError } from '../errors.js'

/** Deeper than this, a body is refused before any route sees it (no contract nests anywhere near it). */
const MAX_NESTING = 64

/** Keys that would reach an object's prototype if a later step copied them with plain assignment. */
const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function pointer(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')
}

/** Printable ASCII only: already NFC, no surrogates, no NUL, no U+FFFD. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/**
 * A flat object of printable-ASCII keys and strings and no prototype-named key (what most paths and query strings
 * are): the walk below would neither change nor refuse anything in it, so it is skipped — it allocated its state
 * for every request, 0.7 µs for an empty object.
 */
function isPlainAscii(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' || PROTO_KEYS.has(key)) return false
    if (!PRINTABLE_ASCII.test(key) || !PRINTABLE_ASCII.test(item)) return false
  }
  return true
}

/**
 * Decodes a request body as UTF-8. Bytes that are not UTF-8 become U+FFFD here and are reported, with the field
 * they are in, by `normaliseInput` (`invalidUtf8: true`), so they are refused rather than stored.
 */
export function decodeUtf8(body: Buffer): { text: string; invalidUtf8: boolean } {
  return { text: body.toString('utf8'), invalidUtf8: !isUtf8(body) }
}

/**
 * The one pass every parsed body goes through before validation: strings and object keys NFC-normalised, lone
 * surrogates, NUL and invalid UTF-8 refused naming the field (422), non-finite numbers refused, -0 read as 0, nesting bounded and
 * prototype-named keys refused. Returns the normalised value; throws ValidationFailed or BadRequest.
 */
export function normaliseInput(
  value: unknown,
  where: string,
  options: { invalidUtf8?: boolean } = {},
): unknown {
  if (isPlainAscii(value)) return value
  const errors: FieldError[] = []
  let more = 0
  const fail = (path: (string | number)[], message: string, rule: string): void => {
    if (errors.length < MAX_LISTED_ERRORS) errors.push({ path: `/${where}${pointer(path)}`, message, rule })
    else more++
  }
  const walk = (v: unknown, path: (string | number)[]): unknown => {
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) {
        fail(
          path,
          'contains a lone surrogate (not a Unicode character); send valid UTF-16/UTF-8 text',
          'unicode',
        )
        return v
      }
      if (v.includes('\u0000')) {
        fail(path, 'contains a NUL character (U+0000), which no text field may hold', 'unicode')
        return v
      }
      if (options.invalidUtf8 === true && v.includes('\uFFFD')) {
        fail(path, 'contains bytes that are not valid UTF-8', 'unicode')
        return v
      }
      return v.normalize('NFC')
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail(path, 'must be a finite number', 'finite')
      return Object.is(v, -0) ? 0 : v
    }
    if (v === null || typeof v !== 'object') return v
    if (path.length >= MAX_NESTING) {
      throw new BadRequest(`The ${where} is nested more than ${MAX_NESTING} levels deep at ${pointer(path)}`)
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i], [...path, i])
      return v
    }
    const o = v as Record<string, unknown>
    // Keys get the rules of text values: a field name sent decomposed (NFD) is the field of its NFC form.
    let renamed: Map<string, string> | undefined
    for (const key of Object.keys(o)) {
      if (PROTO_KEYS.has(key)) {
        throw new BadRequest(
          `The ${where} has a field named "${key}" at ${pointer(path) || '/'}; no resource has one`,
        )
      }
      if (LONE_SURROGATE.test(key)) {
        fail([...path, key], 'the field name contains a lone surrogate', 'unicode')
      } else if (key.includes('\u0000')) {
        fail([...path, key], 'the field name contains a NUL character (U+0000)', 'unicode')
      } else if (options.invalidUtf8 === true && key.includes('\uFFFD')) {
        fail([...path, key], 'the field name contains bytes that are not valid UTF-8', 'unicode')
      } else {
        const nfc = key.normalize('NFC')
        if (nfc !== key) (renamed ??= new Map()).set(key, nfc)
      }
      o[key] = walk(o[key], [...path, key])
    }
    if (!renamed) return o
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(o)) {
      const name = renamed.get(key) ?? key
      if (PROTO_KEYS.has(name))
        throw new BadRequest(`The ${where} has a field named "${name}"; no resource has one`)
      if (Object.hasOwn(out, name))
        fail([...path, name], 'the field is given twice (in two Unicode forms)', 'duplicate')
      out[name] = item
    }
    return out
  }
  const normalised = walk(value, [])
  if (errors.length > 0) throw new ValidationFailed(errors, more)
  return normalised
}

/**
 * Path parameters and the query string get the same treatment as bodies (NFC, no lone surrogates, no NUL),
 * before validation: `where` is `params` or `querystring`, as in the paths of validation errors.
 */
export function registerTextNormalisation(app: FastifyInstance): void {
  // A callback hook: it has nothing to wait for, and fastify passes on what it throws.
  app.addHook('preValidation', (request, _reply, done) => {
    normaliseInput(request.params, 'params')
    normaliseInput(request.query, 'querystring')
    done()
  })
}
