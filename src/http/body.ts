import type { IncomingMessage } from 'node:http'
import { StringDecoder } from 'node:string_decoder'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BadRequest, PayloadTooLarge } from '../errors.js'
import { buildXml } from './content.js'
import { decodeUtf8, normaliseInput } from './text.js'
import { DEFAULT_XML_LIMITS, XmlScanner, type XmlLimits } from './xml-scan.js'

type Done = (err: Error | null, body?: unknown) => void

/** Characters of XML scanned before the event loop gets a turn. */
const SLICE = 8 * 1024

const TOO_LARGE = 'The request body is larger than this server accepts (see BODY_LIMIT)'

/**
 * A JSON request body: UTF-8 checked, parsed, then through `normaliseInput` (finite numbers, NFC text, no lone
 * surrogates, bounded nesting, no prototype keys), so no route can see `Infinity` or forget a check.
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw new BadRequest('The body is empty but Content-Type says JSON; send a JSON document')
  }
  const decoded = decodeUtf8(body)
  const text = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new BadRequest(`Malformed JSON: ${(err as Error).message.slice(0, 300)}`)
  }
  return normaliseInput(value, 'body', { invalidUtf8: decoded.invalidUtf8 })
}

/**
 * An XML request body, scanned chunk by chunk as it arrives: the first limit crossed refuses it (400) and the
 * rest of the body is discarded unread into memory, so memory stays bounded whatever is sent. A document
 * within the limits is then built and normalised like a JSON one.
 */
function parseXmlStream(limits: XmlLimits) {
  return (request: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const limit = request.routeOptions.bodyLimit
    const declared = Number(request.headers['content-length'])
    if (declared > limit) {
      done(new PayloadTooLarge(TOO_LARGE))
      return
    }
    const scanner = new XmlScanner(limits)
    const decoder = new StringDecoder('utf8')
    let chunks: Buffer[] = []
    let received = 0
    let finished = false
    let scanning = false
    let ended = false
    const finish = (err: Error | null, value?: unknown): void => {
      if (finished) return
      finished = true
      chunks = []
      payload.removeListener('data', onData)
      payload.removeListener('end', onEnd)
      // What is left of a refused body is read and dropped (not kept), so the connection can answer.
      if (payload.isPaused()) payload.resume()
      done(err, value)
    }
    const onData = (chunk: Buffer): void => {
      received += chunk.length
      if (received > limit) {
        finish(new PayloadTooLarge(TOO_LARGE))
        return
      }
      chunks.push(chunk)
      // A socket chunk can be 64 KB of tags: scanned in slices with the event loop let in between, so other
      // requests wait for one slice at most while a large body arrives.
      const text = decoder.write(chunk)
      let at = 0
      const step = (): void => {
        if (finished) return
        try {
          scanner.write(at === 0 && text.length <= SLICE ? text : text.slice(at, at + SLICE))
        } catch (err) {
          finish(err as Error)
          return
        }
        at += SLICE
        if (at < text.length) {
          setImmediate(step)
          return
        }
        scanning = false
        if (ended) onEnd()
        else if (payload.isPaused()) payload.resume()
      }
      scanning = true
      if (text.length > SLICE) payload.pause()
      step()
    }
    const onEnd = (): void => {
      ended = true
      if (scanning || finished) return
      try {
        scanner.write(decoder.end())
        if (received === 0)
          throw new BadRequest('The body is empty but Content-Type says XML; send an XML document')
        const { text, invalidUtf8 } = decodeUtf8(Buffer.concat(chunks, received))
        chunks = []
        const parsed = buildXml(text, request.routeOptions.config.xml)
        finish(null, normaliseInput(parsed, 'body', { invalidUtf8 }))
      } catch (err) {
        finish(err as Error)
      }
    }
    payload.on('data', onData)
    payload.on('end', onEnd)
    payload.on('error', (err) => {
      finish(new BadRequest(`The request body could not be read: ${err.message}`))
    })
    payload.resume()
  }
}

/** The server's JSON and XML body parsers: one place where bodies enter, with every edge check applied. */
export function registerBodyParsers(app: FastifyInstance, xmlLimits: XmlLimits = DEFAULT_XML_LIMITS): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (_request, body: Buffer, done: Done) => {
      try {
        done(null, parseJsonBody(body))
      } catch (err) {
        done(err as Error)
      }
    },
  )
  app.addContentTypeParser(['application/xml', 'text/xml'], parseXmlStream(xmlLimits))
}
