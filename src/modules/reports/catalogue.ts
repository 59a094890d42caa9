import { STUDY_NAME_MATCH } from '../studies/names.js'
import type { RoleAction } from '../identity/actions.js'

export const REPORT_FORMATS = [
  'csv',
  'json',
  'xml',
  'odm',
  'xlsx',
  'xpt',
  'dataset-json',
  'dataset-ndjson',
] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export const USUBJID_PARTS = ['study', 'site', 'subject'] as const
export type UsubjidPart = (typeof USUBJID_PARTS)[number]
export const DELIMITERS = [',', ';', '|', 'tab'] as const

interface ParameterInfo {
  name: string
  type: 'string' | 'integer' | 'boolean' | 'date' | 'list'
  required: boolean
  description: string
  default?: string | number | boolean | readonly string[]
  values?: readonly string[]
}

export interface ReportInfo {
  name: string
  /** The dataset's name in XPT and Dataset-JSON: ≤ 8 characters, upper case. */
  dataset: string
  title: string
  description: string
  /** The role action a caller needs (besides `api`); a tenant may set its own in settings.reportActions. */
  action: RoleAction
  formats: readonly ReportFormat[]
  /** The columns that identify a row, in order (Dataset-JSON's keySequence). */
  keys: readonly string[]
  parameters: readonly ParameterInfo[]
}

/** Every format but ODM, which only the transfer report has (its rows are ClinicalData). */
const TABULAR = REPORT_FORMATS.filter((f) => f !== 'odm')

const COMMON: readonly ParameterInfo[] = [
  { name: 'reportName', type: 'string', required: true, description: 'Which report to run' },
  { name: 'studyId', type: 'integer', required: false, description: 'The study (or give studyName)' },
  {
    name: 'studyName',
    type: 'string',
    required: false,
    description: `${STUDY_NAME_MATCH} (or give studyId)`,
  },
  {
    name: 'subjects',
    type: 'list',
    required: false,
    description: 'Subject numbers to narrow to (comma-separated, or an array in a POST body)',
  },
  {
    name: 'format',
    type: 'string',
    required: false,
    description: 'Output format (or else the Accept header)',
    default: 'csv',
    values: REPORT_FORMATS,
  },
  {
    name: 'truncate',
    type: 'boolean',
    required: false,
    description:
      'XPT only: cut text longer than 200 bytes and make text ASCII (accents dropped, other characters as ?) ' +
      'instead of refusing the run with 422',
    default: false,
  },
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
    dataset: 'TRANSFER',
    title: 'Data transfer',
    description:
      'One row per observation (subject × timepoint × item), CDISC-style columns, for transfer to data management; ' +
      'ODM 1.3.2 ClinicalData as well.',
    action: 'reports.run',
    formats: REPORT_FORMATS,
    keys: ['STUDYID', 'USUBJID', 'VISIT', 'ITEM'],
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
    dataset: 'SUBJECTS',
    title: 'Subjects',
    description: "The study's subjects with site, cohort, status, dates and how many observations each has.",
    action: 'reports.run',
    formats: TABULAR,
    keys: ['STUDYID', 'USUBJID'],
    parameters: [...COMMON, ...dates('enrolment date')],
  },
  {
    name: 'visit-completion',
    dataset: 'VISITCMP',
    title: 'Visit completion',
    description:
      'Per timepoint: subjects, expected values (subjects × items), values collected, values locked, percent complete.',
    action: 'reports.run',
    formats: TABULAR,
    keys: ['STUDYID', 'VISIT'],
    parameters: [...COMMON, TIMEPOINTS, ...dates('collection time')],
  },
  {
    name: 'recruitment-funnel',
    dataset: 'FUNNEL',
    title: 'Recruitment funnel',
    description:
      'Per study site and in total: volunteers who prefer the site → interested in the study → booked for screening → ' +
      'screened (subjects) → enrolled.',
    action: 'reports.run',
    formats: TABULAR,
    keys: ['STUDYID', 'SITEID', 'SITENAME'],
    parameters: [
      ...COMMON.filter((p) => p.name !== 'subjects'),
      ...dates('stage (registration, interest, booking, screening, enrolment)'),
    ],
  },
  {
    name: 'track-performance',
    dataset: 'TRACKEV',
    title: 'Track performance (earned value)',
    description:
      "Earned value of the study's baseline plan at a status date: BAC, PV, EV, AC, SV, CV, SPI, CPI, EAC, ETC, VAC, " +
      'TCPI and % complete for the plan, each service provider and each location.',
    action: 'track.view',
    formats: TABULAR,
    keys: ['STUDYID', 'LEVEL', 'ID'],
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
