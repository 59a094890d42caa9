/**
 * Writes Track representations as JSON or XML text directly, so that number types come out as the contract
 * writes them (`3` for counts, `1.0` for doubles) from the exact decimal text in storage.
 */

/** A number already written as JSON/XML text. */
export class RawNumber {
  constructor(readonly text: string) {}
}

export type Value =
  string | number | boolean | null | RawNumber | Value[] | { [key: string]: Value | undefined }

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

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)

function writeXml(name: string, value: Value, out: string[]): void {
  if (Array.isArray(value)) {
    // Arrays repeat the element under their field's name: <location>…</location><location>…</location>
    for (const v of value) writeXml(name, v, out)
    return
  }
  if (value === null) {
    out.push(`<${name}/>`)
    return
  }
  out.push(`<${name}>`)
  if (value instanceof RawNumber) out.push(value.text)
  else if (typeof value === 'string') out.push(escapeXml(value))
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
  else {
    for (const key in value) {
      const v = value[key]
      if (v !== undefined) writeXml(key, v, out)
    }
  }
  out.push(`</${name}>`)
}

/** `{actualSites: {…}}` → `<?xml …?><actualSites>…</actualSites>`; empty values become empty elements. */
export function toXmlText(value: Record<string, Value>): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>']
  for (const key in value) {
    const v = value[key]
    if (v !== undefined) writeXml(key, v, out)
  }
  return out.join('')
}
