import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { onEveryDatabase } from '../../../test/support/harness.js'

/** A tiny stand-in for `web/dist`: the real build comes from `npm run build`. */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'trialdeck-web-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-Abc123.js"></script></head>' +
      '<body><div id="root"></div></body></html>',
  )
  writeFileSync(join(root, 'assets', 'index-Abc123.js'), `console.log(${JSON.stringify('x'.repeat(4000))})`)
  writeFileSync(join(root, 'assets', 'index-Def456.css'), 'body{margin:0}')
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  return root
}

const root = fakeBuild()
after(() => {
  rmSync(root, { recursive: true, force: true })
})

void describe('the web app at /', () => {
  onEveryDatabase(
    'web app served',
    (h) => {
      test('index.html at /, revalidated every time, with a CSP that allows the app and nothing else', async () => {
        for (const url of ['/', '/index.html']) {
          const res = await h.app.inject({ url })
          assert.equal(res.statusCode, 200, url)
          assert.match(String(res.headers['content-type']), /^text\/html/)
          assert.match(res.body, /<div id="root">/)
          assert.equal(res.headers['cache-control'], 'no-cache')
          const csp = String(res.headers['content-security-policy'])
          assert.match(csp, /default-src 'self'/)
          assert.match(csp, /script-src 'self'(;|$)/)
          assert.match(csp, /style-src 'self' 'unsafe-inline'/)
          assert.match(csp, /frame-ancestors 'none'/)
          assert.doesNotMatch(csp, /https?:/, 'no CDN')
        }
        assert.equal((await h.app.inject({ method: 'HEAD', url: '/' })).statusCode, 200)
      })

      test('hashed assets are cached for a year; other files are revalidated', async () => {
        const js = await h.app.inject({
          url: '/assets/index-Abc123.js',
          headers: { 'accept-encoding': 'gzip' },
        })
        assert.equal(js.statusCode, 200)
        assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable')
        assert.match(String(js.headers['content-type']), /javascript/)
        assert.equal(js.headers['content-encoding'], 'gzip')
        const css = await h.app.inject({ url: '/assets/index-Def456.css' })
        assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable')
        const icon = await h.app.inject({ url: '/favicon.svg' })
        assert.equal(icon.headers['cache-control'], 'no-cache')
      })

      test('deep links answer index.html; unknown API, asset and other surfaces stay their own 404', async () => {
        for (const url of ['/admin/users', '/admin/users/42/tokens', '/audit?from=2026-01-01', '/sign-in']) {
          const res = await h.app.inject({ url })
          assert.equal(res.statusCode, 200, url)
          assert.match(res.body, /<div id="root">/, url)
          assert.equal(res.headers['cache-control'], 'no-cache')
        }
        for (const url of ['/api/v1/nothing-here', '/api', '/assets/missing-1.js', '/healthz/x']) {
          const res = await h.app.inject({ url })
          assert.equal(res.statusCode, 404, url)
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, url)
        }
        const track = await h.app.inject({
          url: '/cleartrial-ws/nothing',
          headers: { accept: 'application/xml' },
        })
        assert.equal(track.statusCode, 404)
        assert.match(track.body, /<error>/)
        const post = await h.app.inject({ method: 'POST', url: '/admin/users', payload: {} })
        assert.equal(post.statusCode, 404)
        assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
        const spec = await h.app.inject({ url: '/openapi.json' })
        assert.equal(spec.statusCode, 200)
        assert.equal(spec.json<{ openapi: string }>().openapi, '3.1.0')
        const docs = await h.app.inject({ url: '/docs/' })
        assert.equal(docs.statusCode, 200)
        assert.doesNotMatch(docs.body, /<div id="root">/)
        const me = await h.app.inject({ url: '/api/v1/me' })
        assert.equal(me.statusCode, 401)
      })
    },
    { config: { webRoot: root } },
  )

  onEveryDatabase(
    'no web app built',
    (h) => {
      test('without a build, / is the JSON 404 it always was', async () => {
        const res = await h.app.inject({ url: '/' })
        assert.equal(res.statusCode, 404)
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      })
    },
    { config: { webRoot: join(root, 'not-built') } },
  )
})
