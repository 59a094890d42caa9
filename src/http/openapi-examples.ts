/**
 * An example value for a JSON schema, so every operation shows one: a schema's own `examples[0]` (modules put
 * the demo data's values there), else its `default`, `const` or first `enum` value, else a value built from
 * its type, format and bounds. Always valid against the schema it came from (the lint and spectral runs check).
 */

type Json = Record<string, unknown>

const FORMATS: Record<string, string> = {
  'date-time': '2026-04-01T09:30:00.000Z',
  date: '2026-04-01',
  time: '09:30:00Z',
  email: 'volunteer@example.org',
  uri: 'https://trialdeck.example/',
  'uri-reference': '/api/v1/studies/1',
  uuid: '0f6c2a9e-4b1d-4d3a-9a57-3c2e1f0b7d21',
  binary: '',
}

const MAX_DEPTH = 12

function resolve(schema: Json, components: Json): Json {
  const ref = schema.$ref
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) return schema
  const target = (components.schemas as Json | undefined)?.[ref.slice('#/components/schemas/'.length)]
  return typeof target === 'object' && target !== null ? (target as Json) : {}
}

const CANDIDATES = ['text', 'DEMO', 'USD', '90d', '1', 'a', 'A1', 'example-1', '2026-04-01', '01-Apr-2010']

function stringOf(s: Json): string {
  if (typeof s.format === 'string' && s.format in FORMATS) return FORMATS[s.format] ?? ''
  const min = typeof s.minLength === 'number' ? s.minLength : 0
  const max = typeof s.maxLength === 'number' ? s.maxLength : 64
  const fits = (c: string) => c.length >= min && c.length <= max
  if (typeof s.pattern === 'string') {
    let re: RegExp | undefined
    try {
      re = new RegExp(s.pattern, 'u')
    } catch {
      re = undefined
    }
    const hit = CANDIDATES.find((c) => fits(c) && (re?.test(c) ?? true))
    if (hit !== undefined) return hit
  }
  return 'text'.padEnd(min, 'x').slice(0, Math.max(max, min))
}

function numberOf(s: Json, integer: boolean): number {
  const min =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + (integer ? 1 : 0.5)
        : undefined
  const max = typeof s.maximum === 'number' ? s.maximum : undefined
  let n = min ?? 1
  if (max !== undefined && n > max) n = max
  return integer ? Math.ceil(n) : n
}

export function exampleOf(schema: unknown, components: Json, depth = 0): unknown {
  if (schema === null || typeof schema !== 'object' || depth > MAX_DEPTH) return null
  const s = resolve(schema as Json, components)
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0]
  if ('example' in s) return s.example
  if ('const' in s) return s.const
  if ('default' in s) return s.default
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0]
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key]
    if (Array.isArray(options) && options.length > 0) {
      const chosen =
        (options as Json[]).find((o) => resolve(o, components).type !== 'null') ?? (options[0] as unknown)
      return exampleOf(chosen, components, depth + 1)
    }
  }
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...(s.allOf as Json[]).map((p) => exampleOf(p, components, depth + 1) as Json))
  }
  const type = Array.isArray(s.type) ? ((s.type as string[]).find((t) => t !== 'null') ?? 'null') : s.type
  switch (type) {
    case 'object':
      return objectOf(s, components, depth)
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1
      const item = exampleOf(s.items, components, depth + 1)
      const max = typeof s.maxItems === 'number' ? s.maxItems : 1
      return Array.from({ length: Math.min(Math.max(min, 1), max) }, () => item)
    }
    case 'string':
      return stringOf(s)
    case 'integer':
      return numberOf(s, true)
    case 'number':
      return numberOf(s, false)
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return s.properties ? objectOf(s, components, depth) : {}
  }
}

function objectOf(s: Json, components: Json, depth: number): Json {
  const out: Json = {}
  const properties = (s.properties ?? {}) as Record<string, unknown>
  for (const [name, property] of Object.entries(properties)) {
    out[name] = exampleOf(property, components, depth + 1)
  }
  return out
}
