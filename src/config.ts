import { fileURLToPath } from 'node:url'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { Nullable } from './http/schemas.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
const RATE_LIMIT_FIELDS = ['near-limit', 'always'] as const
const SQLITE_SYNCHRONOUS = ['full', 'normal'] as const

/** The whole runtime configuration; every value comes from the environment and is checked at start. */
const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  databaseUrl: Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' }),
  logLevel: Type.Enum(LOG_LEVELS),
  /** Largest accepted request body in bytes: a whole plan's actuals fit (tens of MB), nothing much larger. */
  bodyLimit: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024 }),
  rateLimitMax: Type.Integer({ minimum: 1 }),
  rateLimitWindowMs: Type.Integer({ minimum: 1000 }),
  /** Which successful responses carry the `RateLimit` field: those of a principal near its limit, or all. */
  rateLimitFields: Type.Enum(RATE_LIMIT_FIELDS),
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://.+' })),
  trustProxy: Type.Boolean(),
  /** Basic-auth failures in a row before an account locks, and for how long. */
  lockoutThreshold: Type.Integer({ minimum: 1 }),
  lockoutMs: Type.Integer({ minimum: 1000 }),
  /** Failed logins per client address and window before that address gets 429 (below the lockout threshold). */
  loginSourceMax: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  loginSourceWindowMs: Type.Integer({ minimum: 1000 }),
  /** SQLite's `synchronous`: `full` (a commit is on disk before its answer) or `normal` (faster; see README). */
  sqliteSynchronous: Type.Enum(SQLITE_SYNCHRONOUS),
  /** Reports (interactive and jobs) running at once on one instance; report jobs polled for this often. */
  reportConcurrency: Type.Integer({ minimum: 1, maximum: 64 }),
  reportJobPollMs: Type.Integer({ minimum: 10 }),
  /** How long a job's result is kept; a running job whose heartbeat is older than reportJobStaleMs is re-run. */
  reportResultTtlMs: Type.Integer({ minimum: 1000 }),
  reportJobStaleMs: Type.Integer({ minimum: 100 }),
  /** A request whose headers and body are not all in within this long is answered 408 and closed. */
  requestTimeoutMs: Type.Integer({ minimum: 1000, maximum: 3_600_000 }),
  /** Elements an XML request body may hold (also bounded: depth 32, text nodes 100,000 characters). */
  xmlMaxElements: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  /** Shortest password accepted for an account (the demo seed's own passwords are exempt). */
  passwordMinLength: Type.Integer({ minimum: 1, maximum: 255 }),
  /** Lifetime of an API token created without one; null: such tokens never expire. */
  tokenDefaultLifetimeMs: Nullable(Type.Integer({ minimum: 1000 })),
  /** A browser session ends after this long without a request, and this long after sign-in whatever happens. */
  sessionIdleTimeoutMs: Type.Integer({ minimum: 1000 }),
  sessionMaxAgeMs: Type.Integer({ minimum: 1000 }),
  /** The built web app (`web/dist`), served at `/` when the folder exists. */
  webRoot: Type.String({ minLength: 1 }),
})
export type Config = Static<typeof ConfigSchema>

const DEFAULT_CONFIG: Config = {
  port: 8080,
  host: '127.0.0.1',
  databaseUrl: 'sqlite:data/trialdeck.db',
  logLevel: 'info',
  bodyLimit: 32 * 1024 * 1024,
  rateLimitMax: 1200,
  rateLimitWindowMs: 60_000,
  rateLimitFields: 'near-limit',
  trustProxy: false,
  lockoutThreshold: 10,
  lockoutMs: 15 * 60_000,
  loginSourceMax: 5,
  loginSourceWindowMs: 15 * 60_000,
  sqliteSynchronous: 'full',
  reportConcurrency: 4,
  reportJobPollMs: 1000,
  reportResultTtlMs: 24 * 3_600_000,
  reportJobStaleMs: 60_000,
  requestTimeoutMs: 25_000,
  xmlMaxElements: 250_000,
  passwordMinLength: 12,
  tokenDefaultLifetimeMs: 90 * 86_400_000,
  sessionIdleTimeoutMs: 30 * 60_000,
  sessionMaxAgeMs: 12 * 3_600_000,
  webRoot: fileURLToPath(new URL('../web/dist', import.meta.url)),
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 * 1024 }
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

function integer(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number (got "${raw}")`)
  return Number(raw)
}

function bytes(name: string, raw: string): number {
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim())
  if (!m) throw new ConfigError(`${name} must be a size such as 32mb, 512kb or 1048576 (got "${raw}")`)
  return Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toLowerCase()] ?? 1)
}

/** `90s`, `15m`, `12h`, `30d`, or plain milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(raw.trim())
  if (!m) return undefined
  const ms = Number(m[1]) * (DURATION_UNITS[m[2] ?? 'ms'] ?? 1)
  return Number.isSafeInteger(ms) ? ms : undefined
}

function duration(name: string, raw: string): number {
  const ms = parseDuration(raw)
  if (ms === undefined)
    throw new ConfigError(`${name} must be a duration such as 90s, 15m or 1h (got "${raw}")`)
  return ms
}

function boolean(name: string, raw: string): boolean {
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false (got "${raw}")`)
}

const DESCRIBE: Partial<Record<keyof Config, string>> = {
  port: 'PORT must be between 0 and 65535',
  host: 'HOST must not be empty',
  databaseUrl: 'DATABASE_URL must be sqlite:<file> or postgres://…',
  logLevel: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`,
  bodyLimit: 'BODY_LIMIT must be between 1kb and 64mb',
  rateLimitMax: 'RATE_LIMIT_MAX must be at least 1',
  rateLimitWindowMs: 'RATE_LIMIT_WINDOW must be at least 1s',
  rateLimitFields: `RATE_LIMIT_FIELDS must be one of ${RATE_LIMIT_FIELDS.join(', ')}`,
  redisUrl: 'REDIS_URL must be redis://…',
  lockoutThreshold: 'LOCKOUT_THRESHOLD must be at least 1',
  lockoutMs: 'LOCKOUT_DURATION must be at least 1s',
  loginSourceMax: 'LOGIN_FAIL_MAX must be between 1 and 1000000',
  loginSourceWindowMs: 'LOGIN_FAIL_WINDOW must be at least 1s',
  sqliteSynchronous: `SQLITE_SYNC must be one of ${SQLITE_SYNCHRONOUS.join(', ')}`,
  reportConcurrency: 'REPORT_CONCURRENCY must be between 1 and 64',
  reportJobPollMs: 'REPORT_JOB_POLL must be at least 10ms',
  reportResultTtlMs: 'REPORT_RESULT_TTL must be at least 1s',
  reportJobStaleMs: 'REPORT_JOB_STALE must be at least 100ms',
  requestTimeoutMs: 'REQUEST_TIMEOUT must be between 1s and 1h',
  xmlMaxElements: 'XML_MAX_ELEMENTS must be between 1 and 10000000',
  passwordMinLength: 'PASSWORD_MIN_LENGTH must be between 1 and 255',
  tokenDefaultLifetimeMs: 'TOKEN_DEFAULT_LIFETIME must be at least 1s, or never',
  sessionIdleTimeoutMs: 'SESSION_IDLE_TIMEOUT must be at least 1s',
  sessionMaxAgeMs: 'SESSION_MAX_AGE must be at least 1s',
  webRoot: 'WEB_ROOT must not be empty',
}

/** Reads and checks the configuration; throws a ConfigError whose message is one line a person can act on. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const c: Config = { ...DEFAULT_CONFIG }
  const read = (key: string): string | undefined => {
    const v = env[key]
    return v === undefined || v === '' ? undefined : v
  }
  let v: string | undefined
  if ((v = read('PORT')) !== undefined) c.port = integer('PORT', v)
  if ((v = read('HOST')) !== undefined) c.host = v
  if ((v = read('DATABASE_URL')) !== undefined) c.databaseUrl = v
  if ((v = read('LOG_LEVEL')) !== undefined) c.logLevel = v as Config['logLevel']
  if ((v = read('BODY_LIMIT')) !== undefined) c.bodyLimit = bytes('BODY_LIMIT', v)
  if ((v = read('RATE_LIMIT_MAX')) !== undefined) c.rateLimitMax = integer('RATE_LIMIT_MAX', v)
  if ((v = read('RATE_LIMIT_WINDOW')) !== undefined) c.rateLimitWindowMs = duration('RATE_LIMIT_WINDOW', v)
  if ((v = read('RATE_LIMIT_FIELDS')) !== undefined) c.rateLimitFields = v as Config['rateLimitFields']
  if ((v = read('REDIS_URL')) !== undefined) c.redisUrl = v
  if ((v = read('TRUST_PROXY')) !== undefined) c.trustProxy = boolean('TRUST_PROXY', v)
  if ((v = read('LOCKOUT_THRESHOLD')) !== undefined) c.lockoutThreshold = integer('LOCKOUT_THRESHOLD', v)
  if ((v = read('LOCKOUT_DURATION')) !== undefined) c.lockoutMs = duration('LOCKOUT_DURATION', v)
  if ((v = read('LOGIN_FAIL_MAX')) !== undefined) c.loginSourceMax = integer('LOGIN_FAIL_MAX', v)
  if ((v = read('LOGIN_FAIL_WINDOW')) !== undefined) c.loginSourceWindowMs = duration('LOGIN_FAIL_WINDOW', v)
  if ((v = read('SQLITE_SYNC')) !== undefined)
    c.sqliteSynchronous = v.toLowerCase() as Config['sqliteSynchronous']
  if ((v = read('REPORT_CONCURRENCY')) !== undefined) c.reportConcurrency = integer('REPORT_CONCURRENCY', v)
  if ((v = read('REPORT_JOB_POLL')) !== undefined) c.reportJobPollMs = duration('REPORT_JOB_POLL', v)
  if ((v = read('REPORT_RESULT_TTL')) !== undefined) c.reportResultTtlMs = duration('REPORT_RESULT_TTL', v)
  if ((v = read('REPORT_JOB_STALE')) !== undefined) c.reportJobStaleMs = duration('REPORT_JOB_STALE', v)
  if ((v = read('REQUEST_TIMEOUT')) !== undefined) c.requestTimeoutMs = duration('REQUEST_TIMEOUT', v)
  if ((v = read('XML_MAX_ELEMENTS')) !== undefined) c.xmlMaxElements = integer('XML_MAX_ELEMENTS', v)
  if ((v = read('PASSWORD_MIN_LENGTH')) !== undefined) c.passwordMinLength = integer('PASSWORD_MIN_LENGTH', v)
  if ((v = read('TOKEN_DEFAULT_LIFETIME')) !== undefined)
    c.tokenDefaultLifetimeMs = v.trim() === 'never' ? null : duration('TOKEN_DEFAULT_LIFETIME', v)
  if ((v = read('SESSION_IDLE_TIMEOUT')) !== undefined)
    c.sessionIdleTimeoutMs = duration('SESSION_IDLE_TIMEOUT', v)
  if ((v = read('SESSION_MAX_AGE')) !== undefined) c.sessionMaxAgeMs = duration('SESSION_MAX_AGE', v)
  if ((v = read('WEB_ROOT')) !== undefined) c.webRoot = v
  const merged = { ...c, ...overrides }
  const first = Value.Errors(ConfigSchema, merged)[0]
  if (first) {
    const key = first.instancePath.split('/')[1] as keyof Config | undefined
    const got = key ? JSON.stringify(merged[key]) : ''
    throw new ConfigError(`${(key && DESCRIBE[key]) ?? first.message} (got ${got})`)
  }
  return merged
}
