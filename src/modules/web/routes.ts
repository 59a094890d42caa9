import { existsSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { ModulePlugin } from '../index.js'

/**
 * The web app's pages: scripts, styles, fonts and images from this server only (no CDN); inline style attributes
 * allowed, which Mantine sets; API calls to this origin only; never framed.
 */
const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Paths that are never the web app: an unknown one there stays that surface's own 404. */
const NOT_THE_APP = /^\/(api|cleartrial-ws|docs|openapi\.json|healthz|readyz|assets)(\/|$|\?)/

const IMMUTABLE = 'public, max-age=31536000, immutable'

const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': WEB_APP_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
}

/**
 * Serves the built web app (`config.webRoot`, normally `web/dist`) at `/`, when it has been built: hashed files
 * under `/assets/` cached for a year, everything else (index.html) revalidated on every load. Any other GET that
 * is not an API, documentation or health path answers index.html, so that the app's deep links work.
 */
const webApp: ModulePlugin = async (app, { ctx }) => {
  const root = ctx.config.webRoot
  if (!existsSync(join(root, 'index.html'))) {
    app.log.debug({ root }, 'no built web app; / is not served')
    return
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file found at start (the build is fixed), so that unknown paths reach the route below.
    wildcard: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const inAssets = relative(root, path).split(sep)[0] === 'assets'
      reply.header('Cache-Control', inAssets ? IMMUTABLE : 'no-cache').headers(PAGE_HEADERS)
    },
  })
  app.get(
    '/*',
    { config: { action: 'public', surface: 'system' }, schema: { hide: true } },
    (request, reply) => {
      if (NOT_THE_APP.test(request.url)) {
        reply.callNotFound()
        return reply
      }
      // sendFile runs setHeaders above: no-cache and the page headers.
      return reply.sendFile('index.html')
    },
  )
}

export default webApp
