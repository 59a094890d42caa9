import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { Redis } from 'ioredis'
import type { App } from '../../../app.js'
import {
  createTenant,
  onEveryDatabase,
  testConfig,
  type TestTenant,
  buildTestApp,
} from '../../../../test/support/harness.js'
import { systemActor } from '../../audit/service.js'

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

async function redisAvailable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 })
  probe.on('error', () => undefined)
  try {
    await probe.connect()
    await probe.ping()
    return true
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

onEveryDatabase(
  'rate limiting per principal',
  (h) => {
    const me = (app: App, headers: Record<string, string>) => app.inject({ url: '/api/v1/me', headers })

    async function newToken(t: TestTenant): Promise<Record<string, string>> {
      const created = await t.service.createToken(t.id, t.userId, { name: 'extra' }, systemActor(t.id))
      return { authorization: `Bearer ${created.secret}` }
    }

    test('over the limit → 429 with Retry-After and RateLimit headers, in problem+json', async () => {
      const t = await createTenant(h)
      for (let i = 0; i < 3; i++) {
        const ok = await me(h.app, t.bearer)
        assert.equal(ok.statusCode, 200)
        // A quarter of the quota (3) is less than one request: only the last one allowed says so.
        if (i < 2) assert.equal(ok.headers.ratelimit, undefined)
        else assert.match(String(ok.headers.ratelimit), /^"default";r=0;t=([1-9]|[1-5][0-9]|60)$/)
        assert.equal(ok.headers['ratelimit-policy'], undefined)
      }
      const limited = await me(h.app, t.bearer)
      assert.equal(limited.statusCode, 429)
      assert.ok(Number(limited.headers['retry-after']) > 0)
      assert.match(String(limited.headers.ratelimit), /^"default";r=0;t=\d+$/)
      assert.equal(limited.headers['ratelimit-policy'], '"default";q=3;w=60')
      assert.match(String(limited.headers['content-type']), /application\/problem\+json/)
      assert.match(limited.json<{ detail: string }>().detail, /Rate limit of 3 requests/)
    })

    test('RateLimit comes once a quarter of the quota or less is left; with fields "always", every time', async () => {
      const t = await createTenant(h)
      await t.service.updateTenantSettings(t.id, { rateLimitMax: 8 }, systemActor(t.id))
      const seen: (string | undefined)[] = []
      for (let i = 0; i < 8; i++) {
        const ok = await me(h.app, t.bearer)
        assert.equal(ok.statusCode, 200)
        seen.push(ok.headers.ratelimit?.toString().replace(/;t=\d+$/, ''))
      }
      const near = ['"default";r=2', '"default";r=1', '"default";r=0']
      assert.deepEqual(seen, [undefined, undefined, undefined, undefined, undefined, ...near])

      const always = await buildTestApp(testConfig({ rateLimitMax: 3, rateLimitFields: 'always' }), {
        database: h.database,
      })
      try {
        const u = await createTenant(h)
        for (let i = 0; i < 3; i++) {
          const ok = await me(always, u.bearer)
          assert.match(
            String(ok.headers.ratelimit),
            new RegExp(`^"default";r=${2 - i};t=([1-9]|[1-5][0-9]|60)$`),
          )
        }
        assert.equal((await me(always, u.bearer)).statusCode, 429)
      } finally {
        await always.close()
      }
    })

    test('each token, and Basic for the user, has its own counter; other tenants are unaffected', async () => {
      const t = await createTenant(h)
      const other = await createTenant(h)
      for (let i = 0; i < 4; i++) await me(h.app, t.bearer)
      assert.equal((await me(h.app, t.bearer)).statusCode, 429)
      assert.equal((await me(h.app, await newToken(t))).statusCode, 200)
      assert.equal((await me(h.app, t.basic)).statusCode, 200)
      assert.equal((await me(h.app, other.bearer)).statusCode, 200)
    })

    test('a tenant’s own rateLimitMax setting wins over the server default', async () => {
      const t = await createTenant(h)
      await h.database.db
        .updateTable('tenants')
        .set({ settings: JSON.stringify({ recruitEnabled: true, rateLimitMax: 5 }) })
        .where('id', '=', t.id)
        .execute()
      for (let i = 0; i < 5; i++) assert.equal((await me(h.app, t.bearer)).statusCode, 200)
      const limited = await me(h.app, t.bearer)
      assert.equal(limited.statusCode, 429)
      assert.equal(limited.headers['ratelimit-policy'], '"default";q=5;w=60')
    })

    test('public routes are not limited', async () => {
      for (let i = 0; i < 6; i++) assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
    })

    let redisUp = false
    let a: App | undefined
    let b: App | undefined
    before(async () => {
      redisUp = await redisAvailable()
      if (!redisUp) return
      a = await buildTestApp(testConfig({ rateLimitMax: 3, redisUrl: REDIS_URL }), { database: h.database })
      b = await buildTestApp(testConfig({ rateLimitMax: 3, redisUrl: REDIS_URL }), { database: h.database })
      await Promise.all([a.ready(), b.ready()])
    })
    after(async () => {
      await a?.close()
      await b?.close()
    })

    test('with REDIS_URL, two instances share one counter per principal', async (t) => {
      if (!redisUp || !a || !b) {
        t.skip(`no Redis at ${REDIS_URL}`)
        return
      }
      const tenant = await createTenant(h)
      assert.equal((await me(a, tenant.bearer)).statusCode, 200)
      assert.equal((await me(b, tenant.bearer)).statusCode, 200)
      assert.equal((await me(a, tenant.bearer)).statusCode, 200)
      const limited = await me(b, tenant.bearer)
      assert.equal(limited.statusCode, 429)
      assert.ok(Number(limited.headers['retry-after']) > 0)
      const redis = new Redis(REDIS_URL)
      try {
        const keys = await redis.keys(`trialdeck:rate:${tenant.code}:*`)
        assert.equal(keys.length, 1)
        assert.equal(await redis.get(keys[0]!), '4')
      } finally {
        redis.disconnect()
      }
      // Without Redis each instance counts alone: the in-memory default.
      assert.equal((await me(h.app, tenant.bearer)).statusCode, 200)
    })
  },
  { config: { rateLimitMax: 3 } },
)
