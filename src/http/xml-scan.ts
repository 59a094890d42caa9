import { BadRequest } from '../errors.js'

/** What an XML request body may hold; checked while the body arrives, before anything is built from it. */
export interface XmlLimits {
  /** Elements in the whole document. */
  maxElements: number
  /** Elements open at once. */
  maxDepth: number
  /** Characters in one text node (or CDATA section). */
  maxText: number
  /** Attributes on one element. */
  maxAttributes: number
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxElements: 250_000,
  maxDepth: 32,
  maxText: 100_000,
  maxAttributes: 32,
}

/** Names that would be object keys reaching a prototype; fast-xml-parser refuses them, so they are refused here. */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype'])
const MAX_NAME = 256
/** '>', '/', space, tab, line feed, carriage return: where an element name ends. */
const NAME_END = new Set([0x3e, 0x2f, 0x20, 0x09, 0x0a, 0x0d])

type State = 'text' | 'lt' | 'name' | 'close' | 'attrs' | 'quoted' | 'bang' | 'comment' | 'cdata' | 'pi'

/**
 * A single-pass, chunk-by-chunk scanner of an XML document's structure. It keeps a few counters and the names
 * of the open elements (at most `maxDepth`), never the document, and throws a BadRequest naming the first limit
 * crossed, so a hostile body is refused after the bytes that cross it. Well-formedness beyond what it counts is
 * left to the validator that runs on documents within the limits.
 */
export class XmlScanner {
  private state: State = 'text'
  private elements = 0
  private readonly open: string[] = []
  private text = 0
  private attributes = 0
  /** Inside an attribute's name: its first character counted it. */
  private inAttrName = false
  private name = ''
  private quote = ''
  private bang = ''
  private tail = ''
  private slash = false

  constructor(private readonly limits: XmlLimits = DEFAULT_XML_LIMITS) {}

  private where(): string {
    return this.open.length === 0 ? '/' : `/${this.open.join('/')}`
  }

  private refuse(problem: string): never {
    throw new BadRequest(`XML body refused at ${this.where()}: ${problem}`)
  }

  private addText(n: number): void {
    this.text += n
    if (this.text > this.limits.maxText) {
      this.refuse(`a text node is longer than ${this.limits.maxText} characters`)
    }
  }

  private openElement(): void {
    const name = this.name
    if (RESERVED.has(name))
      this.refuse(`the element name <${name}> is reserved; no resource has such a field`)
    if (++this.elements > this.limits.maxElements) {
      this.refuse(`the document has more than ${this.limits.maxElements} elements`)
    }
    this.text = 0
    this.attributes = 0
    this.inAttrName = false
    this.open.push(name)
    if (this.open.length > this.limits.maxDepth) {
      this.refuse(`elements are nested more than ${this.limits.maxDepth} deep`)
    }
  }

  private closeElement(): void {
    this.open.pop()
    this.text = 0
  }

  /** Scans the next piece of the document. */
  write(chunk: string): void {
    let i = 0
    const n = chunk.length
    while (i < n) {
      const c = chunk[i] as string
      switch (this.state) {
        case 'text': {
          const lt = chunk.indexOf('<', i)
          const end = lt < 0 ? n : lt
          this.addText(end - i)
          i = end
          if (lt >= 0) {
            this.state = 'lt'
            i++
          }
          continue
        }
        case 'lt':
          if (c === '/') this.state = 'close'
          else if (c === '!') this.state = 'bang'
          else if (c === '?') this.state = 'pi'
          else {
            this.state = 'name'
            this.name = c
          }
          this.bang = ''
          this.tail = ''
          if (this.state === 'close') this.name = ''
          break
        case 'name':
        case 'close': {
          // The rest of the name at once: up to the first '>', '/' or white space.
          let end = i
          while (end < n && !NAME_END.has(chunk.charCodeAt(end))) end++
          if (end > i) {
            this.name += chunk.slice(i, end)
            if (this.name.length > MAX_NAME) {
              this.refuse(`an element name is longer than ${MAX_NAME} characters`)
            }
            i = end
            continue
          }
          if (this.state === 'close') {
            if (c === '>') {
              this.closeElement()
              this.state = 'text'
            }
            break
          }
          this.openElement()
          this.slash = c === '/'
          this.state = c === '>' ? 'text' : 'attrs'
          break
        }
        case 'attrs': {
          // Each attribute counted once, where its name starts: `a="1"`, `a = '1'`, and a valueless `a` (which
          // the validator then refuses) alike; a quoted value's characters are never names.
          const space = c === ' ' || c === '\t' || c === '\n' || c === '\r'
          if (c === '"' || c === "'") {
            this.quote = c
            this.state = 'quoted'
            this.inAttrName = false
          } else if (c === '>') {
            if (this.slash) this.closeElement()
            this.state = 'text'
            this.inAttrName = false
          } else if (space || c === '=' || c === '/') {
            this.inAttrName = false
          } else if (!this.inAttrName) {
            this.inAttrName = true
            if (++this.attributes > this.limits.maxAttributes) {
              this.refuse(`an element has more than ${this.limits.maxAttributes} attributes`)
            }
          }
          if (!space) this.slash = c === '/'
          break
        }
        case 'quoted': {
          const close = chunk.indexOf(this.quote, i)
          const end = close < 0 ? n : close
          this.addText(end - i)
          i = close < 0 ? n : close + 1
          if (close >= 0) {
            this.text = 0
            this.state = 'attrs'
          }
          continue
        }
        case 'bang':
          this.bang += c
          if (this.bang === '--') this.state = 'comment'
          else if (this.bang === '[CDATA[') this.state = 'cdata'
          else if (!'--'.startsWith(this.bang) && !'[CDATA['.startsWith(this.bang)) {
            this.refuse('DOCTYPE or ENTITY declarations are not accepted')
          }
          break
        case 'comment':
        case 'cdata':
        case 'pi': {
          const end = this.state === 'comment' ? '-->' : this.state === 'cdata' ? ']]>' : '?>'
          this.tail = (this.tail + c).slice(-end.length)
          if (this.state !== 'pi') this.addText(1)
          if (this.tail === end) {
            if (this.state === 'comment') this.text = 0
            this.state = 'text'
          }
          break
        }
      }
      i++
    }
  }
}
