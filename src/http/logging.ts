import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { pino } from 'pino'
import type { Config } from '../config.js'

/** Redacted wherever they appear in a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.newPassword',
]

/** How long a log line may wait in the buffer before it is written. */
const FLUSH_MS = 1000

export interface Loggers {
  /** The application's logger (fastify's, and `request.log`): every line redacted. */
  logger: FastifyBaseLogger
  /**
   * The access log: one line per answered request, made of fields that are safe by construction (method, path
   * without its query, status, time, request id), so it skips redaction, which checks every field of every line
   * against the wildcard paths above and cost more than the rest of the line together (2.6 of 5.9 µs a line,
   * docs/benchmarks.md).
   */
  access: FastifyBaseLogger
}

/**
 * JSON lines on stdout, buffered: a line is appended to a buffer that is written once it holds 4 KB, or once a
 * second, whichever comes first (and when the process exits, also on a crash: pino's exit handler). Written
 * synchronously (pino's default), every line was a write system call in the request's own time: two per request,
 * a third of a small request's CPU time (docs/benchmarks.md). Both loggers write to the one buffer.
 */
export function loggersFor(config: Pick<Config, 'logLevel'>): Loggers {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 })
  setInterval(() => {
    destination.flush()
  }, FLUSH_MS).unref()
  return loggersOn(destination, config)
}

/** The two loggers on one destination (stdout's buffer in production; a test's stream). */
export function loggersOn(destination: pino.DestinationStream, config: Pick<Config, 'logLevel'>): Loggers {
  return {
    logger: pino({ level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } }, destination),
    access: pino({ level: config.logLevel }, destination),
  }
}

/**
 * One line per request, once it has been answered: method, path, status and time (fastify's own controller writes
 * two, the first with the whole URL). The query string is left out: it may hold personal data
 * (`updateVolunteer?reasonForChange=…`).
 */
export class AccessLog extends LogController {
  constructor(private readonly access: FastifyBaseLogger) {
    super()
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const url = request.url
    const query = url.indexOf('?')
    const fields = {
      method: request.method,
      path: query < 0 ? url : url.slice(0, query),
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    }
    // An error line carries the error, which may quote anything: it goes through the redacting logger.
    if (error) request.log.error({ ...fields, err: error }, 'request errored')
    else this.access.info({ reqId: request.id, ...fields }, 'request completed')
  }
}
