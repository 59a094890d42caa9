import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a caller's `X-Request-Id` when it is sane (so traces join up), otherwise makes a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id']
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : randomUUID()
}
