/**
 * The typed Trialdeck client: `paths` comes from the OpenAPI document (`npm run client:generate` writes
 * `schema.d.ts`; `npm run client:check` fails when it is stale), `openapi-fetch` does the calls.
 */
import createClient, { type Client } from 'openapi-fetch'
import type { paths } from './schema.js'

export type { components, operations, paths } from './schema.js'

export type TrialdeckClient = Client<paths>

/**
 * A client for the server at `baseUrl` (e.g. `http://127.0.0.1:8080`; `''` for the same origin in a browser).
 * `fetch` defaults to the global one; pass another to add credentials or run against a test server.
 */
export function createTrialdeckClient(baseUrl: string, fetch?: typeof globalThis.fetch): TrialdeckClient {
  return createClient<paths>(fetch ? { baseUrl, fetch } : { baseUrl })
}
