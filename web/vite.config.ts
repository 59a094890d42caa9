import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

/**
 * The web app, built into web/dist and served by the Trialdeck server at `/` (no CDN: every asset is ours).
 * `npm run build` runs this after the server's tsc; `vite web` serves it for development on 8141 with the API
 * proxied to a server on 8080.
 */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
  },
  server: {
    port: 8141,
    host: '127.0.0.1',
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/docs': 'http://127.0.0.1:8080',
    },
  },
})
