/**
 * What a server lives through between two measurements of `bench/request-path.ts`: several clients at once,
 * Track GETs (JSON and XML, Basic and Bearer) and POSTs, Recruit registrations (saveVolunteer) and bookings
 * (find a slot, assign it, cancel it), and every few seconds a report of the demo study in one of the export formats.
 * A 5xx fails the bench; 4xx answers (a stale lockToken, a volunteer not eligible for a slot) are counted.
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'

type Headers = Record<string, string>
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })
const FIXTURES = new URL('../test/fixtures/track/', import.meta.url)
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Json
type Json = Record<string, Record<string, unknown>>

function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Headers,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const all: Headers = { ...headers }
    if (payload !== undefined) {
      all['content-type'] = 'application/json'
      all['content-length'] = String(Buffer.byteLength(payload))
    }
    const req = http.request(`${base}${path}`, { method, headers: all, agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

let serial = 0
const run = Date.now().toString(36)
const volunteer = () => {
  serial++
  return {
    firstName: `Mixed${serial}`,
    lastName: `Traffic${run}`,
    dateOfBirth: '1990-01-01',
    sex: serial % 2 ? 'M' : 'F',
    email: `mixed${serial}.${run}@example.test`,
    heightCm: 175,
    weightKg: 70,
    healthyVolunteer: true,
    consentToContact: true,
    sitePreferenceId: 1,
    answers: [{ question: 'Do you currently smoke?', answer: false }],
    source: 'bench',
  }
}

const TRACK_GETS = [
  '/cleartrial-ws/actuals/10802/sites',
  '/cleartrial-ws/actuals/10802/subjects',
  '/cleartrial-ws/actuals/10802/crfs',
  '/cleartrial-ws/actuals/47323/units',
  '/cleartrial-ws/actuals/47323/fees',
  '/cleartrial-ws/actuals/47323/costs',
]
const FORMATS = ['csv', 'json', 'xml', 'xlsx', 'odm', 'dataset-json']

/** Serves mixed traffic for `seconds`; answers a one-line summary of what was sent and answered. */
export async function mixedTraffic(
  base: string,
  auth: { basic: Headers; bearer: Headers },
  seconds: number,
): Promise<string> {
  const counts = new Map<string, number>()
  const count = (what: string, status: number) => {
    if (status >= 500) throw new Error(`${what} answered ${status}`)
    const key = `${what} ${status}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const subjects = fixture('subjects')
  const until = Date.now() + seconds * 1000
  let nextReport = Date.now()

  const trackGet = async (i: number) => {
    const headers = {
      ...(i % 2 ? auth.basic : auth.bearer),
      accept: i % 3 ? 'application/json' : 'application/xml',
    }
    count('track GET', (await call(base, 'GET', TRACK_GETS[i % TRACK_GETS.length]!, headers)).status)
  }
  const trackPost = async () => {
    const path = '/cleartrial-ws/actuals/10802/subjects'
    const current = await call(base, 'GET', path, auth.bearer)
    const lockToken = (JSON.parse(current.text) as Json).actualSubjects!.lockToken
    const body = { actualSubjects: { ...subjects.actualSubjects, lockToken } }
    count('track POST', (await call(base, 'POST', path, auth.bearer, body)).status)
  }
  const register = async () => {
    const res = await call(base, 'POST', '/api/v1/recruit/saveVolunteer', auth.bearer, volunteer())
    count('saveVolunteer', res.status)
    return res.status === 200 ? (JSON.parse(res.text) as { volunteerId: number }).volunteerId : undefined
  }
  const book = async () => {
    const volunteerId = await register()
    const slots = await call(base, 'GET', '/api/v1/recruit/findUnassignedAppointments', auth.basic)
    count('findUnassignedAppointments', slots.status)
    const open = JSON.parse(slots.text) as { appointmentId: number }[]
    const slot = open[serial % Math.max(open.length, 1)]
    if (volunteerId === undefined || slot === undefined) return
    const booking = { volunteerId, appointmentId: slot.appointmentId }
    const assigned = await call(base, 'POST', '/api/v1/recruit/assignAppointment', auth.basic, booking)
    count('assignAppointment', assigned.status)
    if (assigned.status !== 200) return
    const cancel = { ...booking, reason: 'benchmark' }
    count(
      'cancelAppointment',
      (await call(base, 'POST', '/api/v1/recruit/cancelAppointment', auth.basic, cancel)).status,
    )
  }
  const report = async () => {
    const format = FORMATS[serial++ % FORMATS.length]!
    const path = `/api/v1/invokeReport?reportName=transfer&includeUnlockedForms=true&studyName=DEMO-PK-01&format=${format}`
    count(`report ${format}`, (await call(base, 'GET', path, auth.bearer)).status)
  }

  const client = async (c: number) => {
    for (let i = c; Date.now() < until; i++) {
      const pick = i % 20
      if (c === 0 && Date.now() >= nextReport) {
        nextReport = Date.now() + 5000
        await report()
      } else if (pick < 12) await trackGet(i)
      else if (pick < 14) await trackPost()
      else if (pick < 18) await register()
      else await book()
    }
  }
  await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)))
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ')
}
