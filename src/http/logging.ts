import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import { hostname } from 'node:os'
import { pino, type Bindings, type ChildLoggerOptions, type LogFn } from 'pino'
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

/** What the access log records of an answered request: safe by construction (no query, no headers). */
interface AccessRecord {
  reqId: string
  method: string
  path: string
  statusCode: number
  ms: number
}

export interface Loggers {
  /** The application's logger (fastify's, and `request.log`): every line redacted. */
  logger: FastifyBaseLogger
  /**
   * The access log: one line per answered request, in the application logger's format (pino's JSON line, level
   * info), written from a fixed template. Its fields are safe by construction, so it needs none of what a
   * general logger does per line: redaction tests every field against the wildcard paths above (3.2 µs a line
   * with it, 0.7 µs without, 0.35 µs for the template, in a loop). Nothing when the level is above info.
   */
  access: (record: AccessRecord) => void
}

/**
 * JSON lines on stdout, buffered: lines are gathered in memory and written together, once 16 KiB have gathered or
 * a second has passed, and when the process exits (on a crash too). Written one by one (pino's default), every
 * line was a write system call in the request's own time. Gathered by sonic-boom itself (`minLength`), each line
 * was appended to one growing string whose byte length was taken on every write, which copied the whole buffer
 * for every line: 3.5 KB of garbage for a 200-byte line, most of what a small request left to the garbage
 * collector (docs/benchmarks.md). Both loggers write to the one buffer, shared by every app in the process.
 */
export function loggersFor(config: Pick<Config, 'logLevel'>): Loggers {
  return loggersOn(stdoutLines(), config)
}

/** Lines kept in an array and handed to `out` in one piece once they hold `limit` characters, or on `flush()`. */
export class LineBuffer {
  private lines: string[] = []
  private size = 0

  constructor(
    private readonly out: { write(text: string): unknown },
    private readonly limit: number,
  ) {}

  write(line: string): void {
    this.lines.push(line)
    this.size += line.length
    if (this.size >= this.limit) this.flush()
  }

  flush(): void {
    if (this.lines.length === 0) return
    const text = this.lines.join('')
    this.lines = []
    this.size = 0
    this.out.write(text)
  }
}

let stdout: LineBuffer | undefined

function stdoutLines(): LineBuffer {
  if (stdout) return stdout
  // sonic-boom, synchronous: it retries a write that a full pipe refused (EAGAIN) and writes what a short write left.
  const lines = new LineBuffer(pino.destination({ dest: 1, sync: true }), 16 * 1024)
  setInterval(() => {
    lines.flush()
  }, FLUSH_MS).unref()
  process.on('exit', () => {
    lines.flush()
  })
  return (stdout = lines)
}

/** The two loggers on one destination (stdout's buffer in production; a test's stream). */
export function loggersOn(destination: pino.DestinationStream, config: Pick<Config, 'logLevel'>): Loggers {
  return {
    logger: pino({ level: config.logLevel, redact: { paths: REDACT, censor: '[redacted]' } }, destination),
    access: accessLines(destination, config.logLevel),
  }
}

function accessLines(destination: pino.DestinationStream, level: Config['logLevel']): Loggers['access'] {
  // pino's numbers for the levels: info is 30, silent Infinity.
  const threshold = pino.levels.values[level] ?? Infinity
  if (threshold > 30) return () => {}
  // pino's base fields, the same on every line of this process.
  const base = `"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`
  const text = JSON.stringify
  return (r) => {
    destination.write(
      `{"level":30,"time":${Date.now()},${base},"reqId":${text(r.reqId)},"method":${text(r.method)},` +
        `"path":${text(r.path)},"statusCode":${r.statusCode},"ms":${r.ms},"msg":"request completed"}\n`,
    )
  }
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/**
 * `request.log`, made when the request first logs: fastify's `childLoggerFactory`. Most requests never do (their
 * access line comes from the template above), and a pino child of the redacting logger runs its bindings (the
 * request id) through every redaction path when it is made: about 2 KB of garbage and a microsecond for each
 * request that was then never used (docs/benchmarks.md).
 */
export function requestLogger(
  this: unknown,
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options)
}

class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options))
  }

  private write(level: Level, args: unknown[]): void {
    this.logger[level](...(args as Parameters<LogFn>))
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level
  }
  set level(level: string) {
    this.logger.level = level
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.write('error', args)
  }
  warn(...args: unknown[]): void {
    this.write('warn', args)
  }
  info(...args: unknown[]): void {
    this.write('info', args)
  }
  debug(...args: unknown[]): void {
    this.write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.write('trace', args)
  }
  silent(...args: unknown[]): void {
    this.write('silent', args)
  }
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options)
  }
}

/**
 * One line per request, once it has been answered: method, path, status and time (fastify's own controller writes
 * two, the first with the whole URL). The query string is left out: it may hold personal data
 * (`updateVolunteer?reasonForChange=…`).
 */
export class AccessLog extends LogController {
  constructor(private readonly access: Loggers['access']) {
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
    const method = request.method
    const path = query < 0 ? url : url.slice(0, query)
    const statusCode = reply.statusCode
    const ms = Math.round(reply.elapsedTime * 10) / 10
    // An error line carries the error, which may quote anything: it goes through the redacting logger.
    if (error) request.log.error({ method, path, statusCode, ms, err: error }, 'request errored')
    else this.access({ reqId: request.id, method, path, statusCode, ms })
  }
}
