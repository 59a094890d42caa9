/**
 * The reads the example capture asks, as the demo administrator: READS on the demo data set as seeded (before
 * the writes of ./writes.ts), JOB_READS once the report jobs those writes submitted have run. An answer in JSON
 * is the operation's response example; one in another media type (`accept`) is that type's text example.
 */
import type { Answers } from './writes.js'

export interface Read {
  operationId: string
  url: string | ((answers: Answers) => string)
  /** The media type asked for (the Accept header); JSON unless said. */
  accept?: string
  /** Kept whole, not cut to its lists' first items: they are short, and together they are the point. */
  whole?: true
}

const XML = 'application/xml'
/** The media types of a report file that are text, with the format of each (Excel and XPT files are binary). */
export const REPORT_TEXT_FORMATS: Record<string, string> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/xml': 'xml',
  'application/vnd.cdisc.odm+xml': 'odm',
  'application/x-ndjson': 'dataset-ndjson',
}
const REPORT_TEXT_TYPES = Object.keys(REPORT_TEXT_FORMATS)

/** A Track read in JSON and in XML. */
const track = (operationId: string, url: string, whole?: true): Read[] => [
  { operationId, url, ...(whole ? { whole } : {}) },
  { operationId, url, accept: XML, ...(whole ? { whole } : {}) },
]

export const READS: Read[] = [
  { operationId: 'healthz', url: '/healthz' },
  { operationId: 'readyz', url: '/readyz' },
  { operationId: 'getMe', url: '/api/v1/me' },
  { operationId: 'listUsers', url: '/api/v1/admin/users?limit=1' },
  { operationId: 'getUser', url: '/api/v1/admin/users/1' },
  { operationId: 'listRoles', url: '/api/v1/admin/roles' },
  { operationId: 'getTenantSettings', url: '/api/v1/admin/tenant' },
  { operationId: 'listAudit', url: '/api/v1/audit?limit=1' },
  { operationId: 'listStudies', url: '/api/v1/studies?limit=1' },
  { operationId: 'getStudy', url: '/api/v1/studies/3' },
  { operationId: 'listPlans', url: '/api/v1/plans?limit=1' },
  {
    operationId: 'findActiveStudySites',
    url: '/api/v1/recruit/findActiveStudySites?studyName=RECRUIT-PK-01',
  },
  {
    operationId: 'findVolunteerQuestions',
    url: '/api/v1/recruit/volunteerQuestions?studyName=RECRUIT-PK-01',
  },
  {
    operationId: 'findUnassignedAppointments',
    url: '/api/v1/recruit/findUnassignedAppointments?studyName=RECRUIT-PK-01',
  },
  { operationId: 'listStudySites', url: '/api/v1/studies/3/sites' },
  { operationId: 'listCohorts', url: '/api/v1/studies/3/cohorts' },
  { operationId: 'getRecruitmentProfile', url: '/api/v1/studies/3/recruitment' },
  { operationId: 'listVolunteerQuestions', url: '/api/v1/volunteer-questions' },
  { operationId: 'listVolunteers', url: '/api/v1/volunteers?limit=1' },
  { operationId: 'getVolunteer', url: '/api/v1/volunteers/1' },
  { operationId: 'listReports', url: '/api/v1/reports' },
  { operationId: 'listTokens', url: '/api/v1/admin/users/1/tokens' },
  { operationId: 'getRole', url: '/api/v1/admin/roles/1' },
  { operationId: 'verifyAudit', url: '/api/v1/audit/verification' },
  { operationId: 'getPlan', url: '/api/v1/plans/10802' },
  { operationId: 'getPlanPerformance', url: '/api/v1/plans/10802/performance' },
  { operationId: 'listSlots', url: '/api/v1/studies/3/sites/1/slots?limit=1' },
  { operationId: 'getVolunteerSiteRestriction', url: '/api/v1/volunteer-site-restrictions/3' },
  { operationId: 'listSubjects', url: '/api/v1/studies/6/subjects?limit=1' },
  { operationId: 'listTimepoints', url: '/api/v1/studies/6/timepoints?limit=1' },
  { operationId: 'listItems', url: '/api/v1/studies/6/items?limit=1' },
  { operationId: 'listObservations', url: '/api/v1/studies/6/observations?limit=1' },
  { operationId: 'listReportStudies', url: '/api/v1/reports/studies?limit=1' },
  // A report run by query parameters, in each text format (chosen by Accept): one subject's screening visit.
  ...REPORT_TEXT_TYPES.map((accept) => ({
    operationId: 'invokeReportGet',
    url: '/api/v1/invokeReport?reportName=transfer&studyName=DEMO-PK-01&subjects=1002&timepoints=Screening',
    accept,
  })),

  // The Track API on the plans of shared/fixtures/track/: 10802 (sites, subjects, CRFs: study 1) and 47323
  // (units, fees, costs), from the study to the plan, its locations, providers, costs and schedule; the short
  // lists whole (the resources, both locations, both providers, the fixture's three costs).
  ...track('trackListStudies', '/cleartrial-ws/studies'),
  ...track('trackGetStudy', '/cleartrial-ws/studies/1'),
  ...track('trackListPlans', '/cleartrial-ws/plans?studyId=1'),
  ...track('trackGetPlan', '/cleartrial-ws/plans/10802'),
  ...track('trackGetActuals', '/cleartrial-ws/actuals/10802', true),
  ...track('trackPlanLocations', '/cleartrial-ws/plans/10802/locations', true),
  ...track('trackPlanEnrollment', '/cleartrial-ws/plans/10802/subjectEnrollmentSchedule'),
  ...track('trackPlanProviders', '/cleartrial-ws/plans/47323/serviceProvider', true),
  ...track('trackPlanCosts', '/cleartrial-ws/plans/47323/cost', true),
]

/** The id of the report job a write submitted (see ./writes.ts: `submitReportJob`, `job <media type>`). */
const jobOf = (answers: Answers, key: string): number => {
  const id = answers[key]?.id
  if (typeof id !== 'number') throw new Error(`no report job was submitted as ${key}`)
  return id
}

/** After the jobs ran: the list (newest first), the example job, and a result in each text format. */
export const JOB_READS: Read[] = [
  { operationId: 'listReportJobs', url: '/api/v1/reports/jobs?limit=1', whole: true },
  {
    operationId: 'getReportJob',
    url: (a) => `/api/v1/reports/jobs/${jobOf(a, 'submitReportJob')}`,
    whole: true,
  },
  ...REPORT_TEXT_TYPES.map((accept) => ({
    operationId: 'getReportJobResult',
    url: (a: Answers) => `/api/v1/reports/jobs/${jobOf(a, `job ${accept}`)}/result`,
    accept,
  })),
]
