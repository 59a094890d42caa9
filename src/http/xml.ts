/**
 * The one XML writer: one escaping rule for text and attribute values, and one element writer for documents
 * built from values (JSON-shaped replies, Track's representations). The report formats stream their fixed
 * markup themselves, escaping every value with `escapeXml`.
 */

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

/** A number already written as JSON/XML text (Track's exact decimals: `3`, `1.0`): written as it is. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** What the writers take: JSON's values, with numbers already written as text; undefined members are left out. */
export type Value =
  string | number | boolean | null | RawNumber | Value[] | { [key: string]: Value | undefined }

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}
// Characters XML 1.0 cannot carry at all are dropped; the markup characters are escaped.
const INVALID_CHARS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF'
const INVALID = new RegExp(`[${INVALID_CHARS}]`, 'g')
const SPECIAL = new RegExp(`[&<>"'${INVALID_CHARS}]`)

/** Text for an element or a (double- or single-quoted) attribute value. */
export function escapeXml(value: string): string {
  // Most values need nothing: one test, no new strings.
  if (!SPECIAL.test(value)) return value
  return value.replace(INVALID, '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/**
 * `<name>value</name>`: an array repeats the element under its field's name (`<location>…</location>
 * <location>…</location>`), an object's members nest in their order, null is an empty element `<name/>`.
 */
function writeElement(name: string, value: Value, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) writeElement(name, v, out)
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
  else writeMembers(value, out)
  out.push(`</${name}>`)
}

function writeMembers(value: { [key: string]: Value | undefined }, out: string[]): void {
  for (const key in value) {
    const v = value[key]
    if (v !== undefined) writeElement(key, v, out)
  }
}

/** `{actualSites: {…}}` → `<?xml …?><actualSites>…</actualSites>`: each member of `root` an element. */
export function xmlDocument(root: { [key: string]: Value | undefined }): string {
  const out: string[] = [XML_DECLARATION]
  writeMembers(root, out)
  return out.join('')
}
