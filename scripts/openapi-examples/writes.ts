/**
 * The write requests the example capture sends, in order, to the demo data set (after the reads of ./reads.ts):
 * each body is the OpenAPI document's request example, the answer its response example. They build on the seed
 * (tenant DEMO, the studies, sites, cohorts, volunteers and plans each module's demo.ts seeds) and on each other:
 * a role before the user who gets it, the user before their own password change, a plan before its replacement,
 * the report jobs whose results JOB_READS fetch. The recruitment ones are in ./recruit-writes.ts.
 */

import { RECRUIT_WRITES } from './recruit-writes.js'
import { REPORT_TEXT_FORMATS } from './reads.js'

/** What the writes so far answered, by operationId: where a later write needs an id an earlier one created. */
export type Answers = Record<string, Record<string, unknown> | undefined>

export interface Write {
  operationId: string
  /** The path (and query); the operation's method is the document's. */
  url: string | ((answers: Answers) => string)
  /** JSON, or the text of a body in `format`; none for a POST without one. */
  body?: unknown
  /** A body in another format than JSON (the text example of that media type). */
  format?: 'ndjson' | 'csv'
  /** The media type of the answer asked for (the Accept header); JSON unless said. */
  accept?: string
  /**
   * A request that only prepares a later read: its answer is kept in `answers` under this name, and neither
   * its body nor its answer is an example.
   */
  setup?: string
  /**
   * Who sends it: the demo administrator unless said — the recruitment website's account for the Recruit API,
   * or a user signed in to the web app (a session cookie and the CSRF header).
   */
  as?: 'website' | { signedIn: { username: string; password: string } }
}

const idOf = (answers: Answers, operationId: string, key = 'id'): number => {
  const id = answers[operationId]?.[key]
  if (typeof id !== 'number') throw new Error(`${operationId} answered no ${key}`)
  return id
}

const COORDINATOR = { username: 'm.jones', password: 'Welcome-to-DEMO-2026' }

export const WRITES: Write[] = [
  // Identity and administration
  {
    operationId: 'createSession',
    url: '/api/v1/sessions',
    body: { username: 'admin', password: 'adm1n-p@55w0rd', customerCode: 'DEMO' },
  },
  {
    operationId: 'createRole',
    url: '/api/v1/admin/roles',
    body: {
      name: 'study-coordinator',
      description: 'Sets up studies for recruitment and runs their reports',
      actions: ['studies.view', 'studies.manage', 'recruit.use', 'reports.run'],
    },
  },
  {
    operationId: 'updateRole',
    url: (a) => `/api/v1/admin/roles/${idOf(a, 'createRole')}`,
    body: {
      description: 'Sets up studies for recruitment, runs their reports and follows their Track actuals',
      actions: ['studies.view', 'studies.manage', 'recruit.use', 'reports.run', 'track.view'],
    },
  },
  {
    operationId: 'createUser',
    url: '/api/v1/admin/users',
    body: {
      username: COORDINATOR.username,
      password: COORDINATOR.password,
      displayName: 'Mia Jones',
      email: 'mia.jones@example.org',
      roles: ['study-coordinator'],
    },
  },
  {
    operationId: 'updateUser',
    url: (a) => `/api/v1/admin/users/${idOf(a, 'createUser')}`,
    body: { displayName: 'Mia Jones (Main Street Clinic)', roles: ['study-coordinator', 'viewer'] },
  },
  {
    operationId: 'changeMyPassword',
    url: '/api/v1/me/password',
    body: { currentPassword: COORDINATOR.password, newPassword: 'Main-Street-Phase-I-42' },
    as: { signedIn: COORDINATOR },
  },
  {
    operationId: 'putVolunteerSiteRestriction',
    url: (a) => `/api/v1/volunteer-site-restrictions/${idOf(a, 'createUser')}`,
    body: { siteIds: [1] },
  },
  {
    operationId: 'createToken',
    url: '/api/v1/admin/users/1/tokens',
    body: { name: 'Track nightly sync', expiresIn: '90d' },
  },
  {
    operationId: 'updateTenantSettings',
    url: '/api/v1/admin/tenant',
    body: { rateLimitMax: 600, evThresholds: { spi: { green: 0.97, amber: 0.92 } } },
  },

  // Studies and plans
  {
    operationId: 'createStudy',
    url: '/api/v1/studies',
    body: { protocol: 'DEMO-PK-02', name: 'Demo PK study, part 2', phase: 'I', status: 'planned' },
  },
  {
    operationId: 'updateStudy',
    url: '/api/v1/studies/3',
    body: {
      phase: 'I',
      sponsor: 'Demo Pharma',
      compound: 'DP-204',
      description: 'Single and multiple oral doses of DP-204 in healthy adults',
    },
  },
  {
    operationId: 'createPlan',
    url: '/api/v1/plans',
    body: {
      studyId: 1,
      name: 'Re-forecast, April 2010',
      code: 'CT-10802-R1',
      description: 'Japan starts a week later than the baseline; the USA as planned',
      planState: 'Draft',
      startDate: '2010-04-01',
      currency: 'USD',
      locations: [
        { locationId: 100, name: 'USA', numSites: 40 },
        { locationId: 123, name: 'Japan', numSites: 12 },
      ],
      weekly: {
        sites: [
          { locationId: 100, periods: week(3, 4, 5) },
          { locationId: 123, periods: week(0, 1, 2) },
        ],
        subjects: [
          { locationId: 100, periods: week(3, 5, 7) },
          { locationId: 123, periods: week(0, 1, 2) },
        ],
        crfs: [
          { locationId: 100, periods: week(3, 13, 23) },
          { locationId: 123, periods: week(0, 1, 6) },
        ],
      },
    },
  },
  {
    operationId: 'replacePlan',
    url: (a) => `/api/v1/plans/${idOf(a, 'createPlan')}`,
    body: {
      studyId: 1,
      name: 'Re-forecast, April 2010',
      code: 'CT-10802-R1',
      description: 'Japan starts two weeks later than the baseline; the USA as planned',
      planState: 'Final',
      startDate: '2010-04-01',
      currency: 'USD',
      locations: [
        { locationId: 100, name: 'USA', numSites: 40 },
        { locationId: 123, name: 'Japan', numSites: 10 },
      ],
      weekly: {
        sites: [
          { locationId: 100, periods: week(3, 4, 5) },
          { locationId: 123, periods: week(0, 0, 1) },
        ],
        subjects: [
          { locationId: 100, periods: week(3, 5, 7) },
          { locationId: 123, periods: week(0, 0, 1) },
        ],
        crfs: [
          { locationId: 100, periods: week(3, 13, 23) },
          { locationId: 123, periods: week(0, 0, 5) },
        ],
      },
    },
  },
  // The final re-forecast becomes the baseline Track follows (after the Track reads, which show 10802).
  { operationId: 'setBaselinePlan', url: (a) => `/api/v1/plans/${idOf(a, 'createPlan')}/baseline` },

  ...RECRUIT_WRITES,

  // Study data of DEMO-PK-01 (study 6)
  {
    operationId: 'createTimepoints',
    url: '/api/v1/studies/6/timepoints',
    body: [{ name: 'End of study', studyDay: 29, offsetMinutes: 0 }],
  },
  {
    operationId: 'createItems',
    url: '/api/v1/studies/6/items',
    body: [
      {
        code: 'WEIGHT',
        label: 'Body weight',
        dataType: 'decimal',
        unit: 'kg',
        form: 'VS',
        itemGroup: 'VS_OTHER',
      },
    ],
  },
  {
    operationId: 'createSubjects',
    url: '/api/v1/studies/6/subjects',
    body: [
      {
        subjectNumber: '1025',
        siteId: 101,
        cohort: 'Cohort 4',
        status: 'enrolled',
        enrolledOn: '2026-03-30',
      },
    ],
  },
  {
    operationId: 'recordObservations',
    url: '/api/v1/studies/6/observations',
    body: [
      {
        subject: '1025',
        timepoint: 'Screening',
        item: 'SYSBP',
        value: '118',
        unit: 'mmHg',
        collectedAt: '2026-03-30T08:15:00.000Z',
      },
      {
        subject: '1025',
        timepoint: 'Screening',
        item: 'WEIGHT',
        value: '72.4',
        unit: 'kg',
        collectedAt: '2026-03-30T08:20:00.000Z',
      },
    ],
  },

  {
    operationId: 'importObservations',
    url: '/api/v1/studies/6/observations/import',
    format: 'ndjson',
    body:
      '{"subject":"1025","timepoint":"Screening","item":"DIABP","value":"76","unit":"mmHg","collectedAt":"2026-03-30T08:15:00.000Z"}\n' +
      '{"subject":"1025","timepoint":"Screening","item":"PULSE","value":"64","unit":"beats/min","collectedAt":"2026-03-30T08:15:00.000Z"}\n',
  },
  {
    operationId: 'importObservations',
    url: '/api/v1/studies/6/observations/import',
    format: 'csv',
    body:
      'subject,timepoint,item,value,unit,collectedAt,locked\n' +
      '1025,Screening,TEMP,36.7,C,2026-03-30T08:25:00.000Z,false\n' +
      '1025,Screening,SPO2,98,%,2026-03-30T08:25:00.000Z,false\n',
  },

  // Reports: one subject's screening visit, in each text format (chosen by Accept), then jobs to fetch later
  ...Object.keys(REPORT_TEXT_FORMATS).map((accept) => ({
    operationId: 'invokeReport',
    url: '/api/v1/invokeReport',
    body: {
      reportName: 'transfer',
      studyName: 'DEMO-PK-01',
      subjects: ['1001'],
      timepoints: ['Screening'],
      includeSiteId: true,
    },
    accept,
  })),
  {
    operationId: 'submitReportJob',
    url: '/api/v1/reports/jobs',
    body: {
      reportName: 'transfer',
      studyName: 'DEMO-PK-01',
      subjects: ['1001', '1002', '1003'],
      format: 'xpt',
      includeUnlockedForms: true,
    },
  },
  // A job per text format, so that getReportJobResult shows each (its answer's type is the job's format).
  ...Object.entries(REPORT_TEXT_FORMATS).map(([type, format]) => ({
    operationId: 'submitReportJob',
    url: '/api/v1/reports/jobs',
    body: {
      reportName: 'transfer',
      studyName: 'DEMO-PK-01',
      subjects: ['1003'],
      timepoints: ['Screening'],
      format,
    },
    setup: `job ${type}`,
  })),
]

/** Three weekly periods from the plan's start, 01-Apr-2010, with these planned values. */
function week(...plannedValues: number[]): { date: string; plannedValue: number }[] {
  const dates = ['2010-04-01', '2010-04-08', '2010-04-15']
  return plannedValues.map((plannedValue, i) => ({ date: dates[i] ?? '2010-04-22', plannedValue }))
}
