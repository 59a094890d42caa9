import type { RoleAction } from '../identity/actions.js'

export const REPORT_FORMATS = ['csv', 'json', 'xml', 'odm', 'xlsx'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export const USUBJID_PARTS = ['study', 'site', 'subject'] as const
export type UsubjidPart = (typeof USUBJID_PARTS)[number]
export const DELIMITERS = [',', ';', '|', 'tab'] as const

export interface ParameterInfo {
  name: string
  type: 'string' | 'integer' | 'boolean' | 'date' | 'list'
  required: boolean
  description: string
  default?: string | number | boolean | readonly string[]
  values?: readonly string[]
}

export interface ReportInfo {
  name: string
  title: string
  description: string
  /** The role action a caller needs (besides `api`); a tenant may set its own in settings.reportActions. */
  action: RoleAction
  formats: readonly ReportFormat[]
  parameters: readonly ParameterInfo[]
}

const COMMON: readonly ParameterInfo[] = [
  { name: 'reportName', type: 'string', required: true, description: 'Which report to run' },
  { name: 'studyId', type: 'integer', required: false, description: 'The study (or give studyName)' },
  {
    name: 'studyName',
    type: 'string',
    required: false,
    description: "The study's protocol or name, case-insensitive (or give studyId)",
  },
  {
    name: 'subjects',
    type: 'list',
    required: false,
    description: 'Subject numbers to narrow to (comma-separated, or an array in a POST body)',
  },
  { name: 'format', type: 'string', required: false, description: 'Output format', default: 'csv' },
]
const TIMEPOINTS: ParameterInfo = {
  name: 'timepoints',
  type: 'list',
  required: false,
  description: 'Timepoint names to narrow to (comma-separated, or an array in a POST body)',
}
const dates = (what: string): ParameterInfo[] => [
  {
    name: 'dateFrom',
    type: 'date',
    required: false,
    description: `Earliest ${what} (YYYY-MM-DD or date-time)`,
  },
  { name: 'dateTo', type: 'date', required: false, description: `Latest ${what}, inclusive` },
]

export const REPORTS: readonly ReportInfo[] = [
  {
    name: 'transfer',
    title: 'Data transfer',
    description:
      'One row per observation (subject × timepoint × item), CDISC-style columns, for transfer to data management; ' +
      'ODM 1.3.2 ClinicalData as well.',
    action: 'reports.run',
    formats: REPORT_FORMATS,
    parameters: [
      ...COMMON,
      TIMEPOINTS,
      ...dates('collection time'),
      {
        name: 'delimiter',
        type: 'string',
        required: false,
        description: 'CSV field delimiter',
        default: ',',
        values: DELIMITERS,
      },
      {
        name: 'uniqueRowId',
        type: 'boolean',
        required: false,
        description: 'Add ROWID, a stable unique id of each observation',
        default: false,
      },
      {
        name: 'includeUnlockedForms',
        type: 'boolean',
        required: false,
        description: 'Include observations not yet locked',
        default: false,
      },
      {
        name: 'includeSiteId',
        type: 'boolean',
        required: false,
        description: 'Add SITEID',
        default: false,
      },
      {
        name: 'usubjidSeparator',
        type: 'string',
        required: false,
        description: 'Separator between the parts of USUBJID',
        default: '-',
      },
      {
        name: 'usubjidParts',
        type: 'list',
        required: false,
        description: 'Which parts make USUBJID, in order',
        default: USUBJID_PARTS,
        values: USUBJID_PARTS,
      },
    ],
  },
  {
    name: 'subjects',
    title: 'Subjects',
    description: "The study's subjects with site, cohort, status, dates and how many observations each has.",
    action: 'reports.run',
    formats: ['csv', 'json', 'xml', 'xlsx'],
    parameters: [...COMMON, ...dates('enrolment date')],
  },
  {
    name: 'visit-completion',
    title: 'Visit completion',
    description:
      'Per timepoint: subjects, expected values (subjects × items), values collected, values locked, percent complete.',
    action: 'reports.run',
    formats: ['csv', 'json', 'xml', 'xlsx'],
    parameters: [...COMMON, TIMEPOINTS, ...dates('collection time')],
  },
  {
    name: 'recruitment-funnel',
    title: 'Recruitment funnel',
    description:
      'Per study site and in total: volunteers who prefer the site → interested in the study → booked for screening → ' +
      'screened (subjects) → enrolled.',
    action: 'reports.run',
    formats: ['csv', 'json', 'xml', 'xlsx'],
    parameters: [
      ...COMMON.filter((p) => p.name !== 'subjects'),
      ...dates('stage (registration, interest, booking, screening, enrolment)'),
    ],
  },
  {
    name: 'track-performance',
    title: 'Track performance (earned value)',
    description:
      "Earned value of the study's baseline plan at a status date: BAC, PV, EV, AC, SV, CV, SPI, CPI, EAC, ETC, VAC, " +
      'TCPI and % complete for the plan, each service provider and each location.',
    action: 'track.view',
    formats: ['csv', 'json', 'xml', 'xlsx'],
    parameters: [
      ...COMMON.filter((p) => p.name !== 'subjects'),
      {
        name: 'dateTo',
        type: 'date',
        required: false,
        description: 'The status date (YYYY-MM-DD); default today',
      },
    ],
  },
]

export function reportInfo(name: string): ReportInfo | undefined {
  return REPORTS.find((r) => r.name === name)
}
