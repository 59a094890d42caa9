import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, loadConfig } from './config.js'

test('defaults: port 8080 on 127.0.0.1, SQLite under data/', () => {
  const c = loadConfig({})
  assert.equal(c.port, 8080)
  assert.equal(c.host, '127.0.0.1')
  assert.equal(c.databaseUrl, 'sqlite:data/trialdeck.db')
  assert.equal(c.bodyLimit, 32 * 1024 * 1024)
  assert.equal(c.rateLimitFields, 'near-limit')
  assert.equal(loadConfig({ RATE_LIMIT_FIELDS: 'always' }).rateLimitFields, 'always')
})

test('sizes and durations are read with units', () => {
  const c = loadConfig({ BODY_LIMIT: '48mb', RATE_LIMIT_WINDOW: '30s', LOCKOUT_DURATION: '15m' })
  assert.equal(c.bodyLimit, 48 * 1024 * 1024)
  assert.equal(c.rateLimitWindowMs, 30_000)
  assert.equal(c.lockoutMs, 900_000)
})

test('a bad value is one clear line naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be sqlite:<file> or postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ RATE_LIMIT_FIELDS: 'sometimes' }, /RATE_LIMIT_FIELDS must be one of near-limit, always/],
    [{ BODY_LIMIT: '1gb' }, /BODY_LIMIT must be a size/],
    [{ BODY_LIMIT: '500mb' }, /BODY_LIMIT must be between 1kb and 64mb/],
    [{ SQLITE_SYNC: 'off' }, /SQLITE_SYNC must be one of full, normal/],
    [{ LOGIN_FAIL_MAX: '0' }, /LOGIN_FAIL_MAX must be between 1 and 1000000/],
    [{ LOGIN_FAIL_WINDOW: 'soon' }, /LOGIN_FAIL_WINDOW must be a duration/],
  ]
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => err instanceof ConfigError && message.test(err.message),
    )
  }
})

test('SQLite syncs every commit unless told otherwise; failed logins per address have their own limit', () => {
  const d = loadConfig({})
  assert.deepEqual([d.sqliteSynchronous, d.loginSourceMax, d.loginSourceWindowMs], ['full', 5, 900_000])
  const c = loadConfig({ SQLITE_SYNC: 'NORMAL', LOGIN_FAIL_MAX: '20', LOGIN_FAIL_WINDOW: '1h' })
  assert.deepEqual([c.sqliteSynchronous, c.loginSourceMax, c.loginSourceWindowMs], ['normal', 20, 3_600_000])
})
