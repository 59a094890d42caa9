import { api, ApiError } from '../api/client'
import type { Body } from '../api/types'

/** The six Track resources, in the order of the tabs, with the root element each one's document has. */
export const RESOURCES = ['sites', 'subjects', 'crfs', 'units', 'fees', 'costs'] as const
export type Resource = (typeof RESOURCES)[number]

export const RESOURCE_LABELS: Record<Resource, string> = {
  sites: 'Sites',
  subjects: 'Subjects',
  crfs: 'CRF pages',
  units: 'Units',
  fees: 'Fees',
  costs: 'Costs',
}

export const ROOTS = {
  sites: 'actualSites',
  subjects: 'actualSubjects',
  crfs: 'actualCrfs',
  units: 'actualUnits',
  fees: 'actualFees',
  costs: 'actualCosts',
} as const

export function isResource(v: string | undefined): v is Resource {
  return (RESOURCES as readonly string[]).includes(v ?? '')
}

type WeeklyDoc = Body<'getActualSubjects'>['actualSubjects']
type UnitsDoc = Body<'getActualUnits'>['actualUnits']
type FeesDoc = Body<'getActualFees'>['actualFees']
type CostsDoc = Body<'getActualCosts'>['actualCosts']

/** One Track document of any resource, tagged with its resource, as the generated client types it. */
export type TrackDoc =
  | { resource: 'sites' | 'subjects' | 'crfs'; doc: WeeklyDoc }
  | { resource: 'units'; doc: UnitsDoc }
  | { resource: 'fees'; doc: FeesDoc }
  | { resource: 'costs'; doc: CostsDoc }

export type StudyListItem = Body<'trackListStudies'>['List'][number]

/** One `[ path: message ]` of the Track surface's validation message. */
export interface PathError {
  path: string
  message: string
}

/**
 * The Track surface's errors (`{"error":{"errorCode","message"}}`) as an `ApiError`, with the validation message
 * ("The following validation errors occurred: [ path: message ] [ … ]") split into the paths it names.
 */
export class TrackError extends ApiError {
  readonly pathErrors: PathError[]

  constructor(response: Response, body: unknown) {
    const error = (body as { error?: { message?: unknown } } | undefined)?.error
    const message = typeof error?.message === 'string' ? error.message : undefined
    super(response, message === undefined ? body : { detail: message })
    this.name = 'TrackError'
    this.pathErrors = message === undefined ? [] : splitTrackMessage(message)
  }
}

function splitTrackMessage(message: string): PathError[] {
  const out: PathError[] = []
  for (const m of message.matchAll(/\[ ([^\s:]+): (.*?) \](?= \[ |$)/g)) {
    out.push({ path: m[1] ?? '', message: m[2] ?? '' })
  }
  return out
}

interface Answer {
  data?: unknown
  error?: unknown
  response: Response
}

async function unwrap(call: Promise<Answer>): Promise<unknown> {
  const { data, error, response } = await call
  if (!response.ok) throw new TrackError(response, error)
  return data
}

/** The path of one resource's actuals (every resource has the same GET and POST on its own path). */
type ActualsPath = `/cleartrial-ws/actuals/{baselinePlanId}/${Resource}`

/**
 * GET a resource's actuals, or POST changed periods to it (with the lockToken of the last GET); either way the
 * answer is the resource's document (and its new lockToken), tagged with its resource.
 */
async function actuals(method: 'GET' | 'POST', planId: number, resource: Resource, body?: object) {
  const path: ActualsPath = `/cleartrial-ws/actuals/{baselinePlanId}/${resource}`
  // One call for six paths: their request types differ only in the document's root, which `body` already has.
  const init = { params: { path: { baselinePlanId: planId } }, ...(body ? { body } : {}) } as never
  const answer = (await unwrap(method === 'GET' ? api.GET(path, init) : api.POST(path, init))) as Record<
    string,
    unknown
  >
  return { resource, doc: answer[ROOTS[resource]] } as TrackDoc
}

/** GET one resource's actuals (and its lockToken) of a baseline plan. */
export function getActuals(planId: number, resource: Resource): Promise<TrackDoc> {
  return actuals('GET', planId, resource)
}

/** POST changed periods with the lockToken of the last GET; answers the new document (and lockToken). */
export function postActuals(planId: number, resource: Resource, body: object): Promise<TrackDoc> {
  return actuals('POST', planId, resource, body)
}

/** The studies and their baseline plans (`actualsPlanId`), as the Track surface lists them. */
export async function listStudies(): Promise<StudyListItem[]> {
  const body = (await unwrap(api.GET('/cleartrial-ws/studies'))) as Body<'trackListStudies'>
  return body.List
}
