/**
 * How the capture shortens a read's answer to an example: every list cut to its first item, in JSON and, the
 * same cut, in the XML the server wrote. A report file is kept whole (its request asks for a few rows instead).
 */

/** The JSON value with every array cut to its first item. */
export const firstOf = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.slice(0, 1).map(firstOf)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, firstOf(x)]))
  }
  return v
}

/**
 * The XML text with only the first of each set of same-named sibling elements: the server writes a list as its
 * item's element repeated, and an object's fields have distinct names, so this is the XML of `firstOf(value)`.
 * Everything kept is the served text, byte for byte.
 */
export function firstOfXml(xml: string): string {
  const out: string[] = []
  const seen: Set<string>[] = [new Set()]
  let dropped = 0 // how deep inside a dropped element the scan is
  for (const [token] of xml.matchAll(/<[^>]*>|[^<]+/g)) {
    const name = /^<\/?([^\s/>?!]+)/.exec(token)?.[1]
    const element = name !== undefined && !token.startsWith('<?') && !token.startsWith('<!')
    if (!element) {
      if (dropped === 0) out.push(token)
    } else if (token.startsWith('</')) {
      if (dropped > 0) dropped--
      else {
        seen.pop()
        out.push(token)
      }
    } else {
      const empty = token.endsWith('/>')
      const siblings = seen.at(-1) ?? new Set<string>()
      if (dropped > 0) dropped += empty ? 0 : 1
      else if (siblings.has(name)) dropped = empty ? 0 : 1
      else {
        siblings.add(name)
        out.push(token)
        if (!empty) seen.push(new Set())
      }
    }
  }
  if (dropped !== 0 || seen.length !== 1) throw new Error('not well-formed XML')
  return out.join('')
}
