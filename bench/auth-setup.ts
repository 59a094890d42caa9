/** The server bench/auth.ts starts, and the requests it sends. */
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { buildDist } from './built.js'

export type Scenario = 'no auth' | 'Bearer' | 'Basic'
export const SCENARIOS: readonly Scenario[] = ['no auth', 'Bearer', 'Basic']
export const GOALS: Record<Scenario, number> = { 'no auth': 1, Bearer: 0.9, Basic: 0.8 }

export interface AuthServer {
  process: ChildProcessByStdio<Writable, Readable, null>
  /** The next line the server prints. */
  nextLine: () => Promise<string>
  /** URL and headers of each scenario: the same body, with and without authentication. */
  scenarios: Record<Scenario, { url: string; headers: Record<string, string> }>
}

/** Builds dist/ and starts bench/auth-server.ts in a process of its own. */
export async function startAuthServer(): Promise<AuthServer> {
  buildDist()
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('auth-server.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const nextLine = async (): Promise<string> => {
    const next = await lines.next()
    if (next.done) throw new Error('the benchmark server stopped')
    return next.value
  }
  const s = JSON.parse(await nextLine()) as {
    port: number
    code: string
    username: string
    password: string
    token: string
  }
  const base = `http://127.0.0.1:${s.port}`
  return {
    process: child,
    nextLine,
    scenarios: {
      'no auth': { url: `${base}/api/v1/bench/me`, headers: {} },
      Bearer: { url: `${base}/api/v1/me`, headers: { authorization: `Bearer ${s.token}` } },
      Basic: {
        url: `${base}/api/v1/me`,
        headers: {
          authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`).toString('base64')}`,
          customerCode: s.code,
        },
      },
    },
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
