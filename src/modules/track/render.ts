import { RawNumber, type Value } from '../../http/xml.js'

/**
 * Writes Track representations as JSON text directly, so that number types come out as the contract writes them
 * (`3` for counts, `1.0` for doubles) from the exact decimal text in storage; XML: `xmlDocument` (http/xml.ts).
 */

function writeJson(value: Value, out: string[]): void {
  if (value === null) out.push('null')
  else if (value instanceof RawNumber) out.push(value.text)
  else if (typeof value === 'string') out.push(JSON.stringify(value))
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
  else if (Array.isArray(value)) {
    out.push('[')
    value.forEach((v, i) => {
      if (i > 0) out.push(',')
      writeJson(v, out)
    })
    out.push(']')
  } else {
    out.push('{')
    let first = true
    for (const key in value) {
      const v = value[key]
      if (v === undefined) continue
      if (!first) out.push(',')
      first = false
      out.push(JSON.stringify(key), ':')
      writeJson(v, out)
    }
    out.push('}')
  }
}

export function toJsonText(value: Value): string {
  const out: string[] = []
  writeJson(value, out)
  return out.join('')
}
