import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { pino } from 'pino'
import { AccessLog, LineBuffer, loggersOn, requestLogger } from './logging.js'

void test('one access line per request, unredacted but without the query; every other line redacted', async () => {
  const lines: Record<string, unknown>[] = []
  const destination = {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  }
  const logs = loggersOn(destination, { logLevel: 'info' })
  const app = Fastify({
    loggerInstance: logs.logger,
    logController: new AccessLog(logs.access),
    childLoggerFactory: requestLogger,
  })
  app.get('/things/:id', async (request) => {
    request.log.info({ body: { password: 'hunter2', token: 'td_secret' } }, 'handled')
    return { ok: true }
  })
  app.get('/fails', async () => {
    throw Object.assign(new Error('boom'), { password: 'hunter2' })
  })
  await app.inject({ url: '/things/7?email=a.person@example.org', headers: { authorization: 'Bearer td_x' } })
  await app.inject({ url: '/fails' })
  await app.close()

  const handled = lines.find((l) => l.msg === 'handled')
  assert.ok(handled)
  assert.deepEqual(handled.body, { password: '[redacted]', token: '[redacted]' })
  const access = lines.filter((l) => l.msg === 'request completed')
  assert.equal(access.length, 2)
  const [first, second] = access
  assert.ok(first && second)
  assert.equal(first.path, '/things/7')
  assert.equal(first.method, 'GET')
  assert.equal(first.statusCode, 200)
  assert.equal(
    first.reqId,
    handled.reqId,
    'the access line carries the request id of the request’s own lines',
  )
  assert.equal(typeof first.ms, 'number')
  assert.equal(second.statusCode, 500)
  // The error itself is logged by the redacting logger (fastify's line for a failed handler): its fields censored.
  const errored = lines.find((l) => l.level === 50)
  assert.equal((errored?.err as Record<string, unknown> | undefined)?.password, '[redacted]')
  assert.equal(errored?.reqId, second.reqId, 'the error line carries its request’s id')
  assert.ok(!JSON.stringify(lines).includes('hunter2') && !JSON.stringify(lines).includes('example.org'))
})

void test('request.log is a pino child made when the request first logs, with its bindings and route level', async () => {
  // On its own: no child until a line is written, then one for all of them.
  const parent = pino({ level: 'info' }, { write: () => undefined })
  let children = 0
  const counting = Object.assign(Object.create(parent) as typeof parent, {
    child: (...args: Parameters<typeof parent.child>) => {
      children++
      return parent.child(...args)
    },
  })
  const quiet = requestLogger(counting, { reqId: 'r1' }, {})
  assert.equal(quiet.level, 'info')
  assert.equal(children, 0, 'a request logger that writes nothing makes no child')
  const chatty = requestLogger(counting, { reqId: 'r2' }, { level: 'warn' })
  assert.equal(chatty.level, 'warn')
  chatty.warn('one')
  chatty.error('two')
  assert.equal(children, 1, 'one child for all of a request’s lines')

  // In fastify: the request id on every line, the route's level obeyed.
  const lines: Record<string, unknown>[] = []
  const logs = loggersOn(
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    {
      logLevel: 'info',
    },
  )
  const app = Fastify({ loggerInstance: logs.logger, childLoggerFactory: requestLogger })
  app.get('/chatty', async (request) => {
    request.log.info('one')
    return { level: request.log.level }
  })
  app.get('/warn-only', { logLevel: 'warn' }, async (request) => {
    request.log.info('dropped')
    request.log.warn('kept')
    return { level: request.log.level }
  })
  const a = await app.inject({ url: '/chatty' })
  const b = await app.inject({ url: '/warn-only' })
  await app.close()
  assert.equal(a.json<{ level: string }>().level, 'info')
  assert.equal(b.json<{ level: string }>().level, 'warn')
  const own = lines.filter(
    (l) => typeof l.reqId === 'string' && l.msg !== 'incoming request' && l.msg !== 'request completed',
  )
  assert.deepEqual(
    own.map((l) => l.msg),
    ['one', 'kept'],
  )
  assert.notEqual(own[0]?.reqId, own[1]?.reqId)
})

void test('the line buffer hands its lines on in one piece once they reach its limit, and what is left on flush', () => {
  const written: string[] = []
  const buffer = new LineBuffer({ write: (text: string) => written.push(text) }, 10)
  buffer.write('abcd\n')
  assert.deepEqual(written, [])
  buffer.write('efgh\n')
  assert.deepEqual(written, ['abcd\nefgh\n'])
  buffer.write('ij\n')
  buffer.flush()
  buffer.flush()
  assert.deepEqual(written, ['abcd\nefgh\n', 'ij\n'])
})

void test('the access line is the line pino writes for the same fields, and none above level info', () => {
  const lines: string[] = []
  const record = { reqId: 'r"1', method: 'GET', path: '/x/\u00e9"\\', statusCode: 200, ms: 0.4 }
  loggersOn({ write: (line: string) => void lines.push(line) }, { logLevel: 'info' }).access(record)
  pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }).info(
    record,
    'request completed',
  )
  const [ours, theirs] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  assert.ok(ours && theirs)
  assert.deepEqual(Object.keys(ours), Object.keys(theirs))
  assert.deepEqual({ ...ours, time: 0 }, { ...theirs, time: 0 })
  const quiet: string[] = []
  loggersOn({ write: (line: string) => void quiet.push(line) }, { logLevel: 'warn' }).access(record)
  assert.deepEqual(quiet, [])
})
