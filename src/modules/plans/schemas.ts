import { Type, type Static } from 'typebox'
import { Page, PageQuerySchema } from '../../http/pagination.js'
import { Amount, Count, Id, IdOrZero, Nullable } from '../../http/schemas.js'

const Decimal = Type.Union(
  [Amount(), Type.String({ pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$' })],
  {
    description: 'A decimal number (JSON number, or decimal text to keep every digit)',
  },
)
const IsoDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD' })
/** Location and service-provider ids of a plan document; 0 = All Locations. */
const PlanRef = IdOrZero()

const FEE_TRACKING_LEVELS = [
  'Globally',
  'Pay monthly for work completed',
  'Pay for work completed upon milestone achieved',
  'Pay fixed fee upon milestone achieved',
  'Enter AP only',
] as const
const EV_TRACKING_LEVELS = [
  'Auto-tracked (set EV to AC)',
  'Enter AP only (sets AP to EV)',
  'Enter EV and AP',
  'Derived',
] as const

const MonthlyPeriod = Type.Object(
  { startDate: IsoDate, endDate: IsoDate, plannedValue: Decimal },
  { additionalProperties: false },
)
const ItemLocation = Type.Object(
  { locationId: PlanRef, periods: Type.Optional(Type.Array(MonthlyPeriod)) },
  { additionalProperties: false },
)
export type ItemLocationDoc = Static<typeof ItemLocation>

const WeeklySeries = Type.Array(
  Type.Object(
    {
      locationId: PlanRef,
      periods: Type.Array(
        Type.Object({ date: IsoDate, plannedValue: Decimal }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
)

/** A whole plan in one document: what `POST /api/v1/plans` takes. */
export const PlanDocumentSchema = Type.Object(
  {
    studyId: Id(),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.Optional(Type.String({ maxLength: 100 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    planState: Type.Optional(Type.Union([Type.Literal('Draft'), Type.Literal('Final')])),
    startDate: IsoDate,
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
    locations: Type.Array(
      Type.Object(
        {
          locationId: PlanRef,
          name: Type.String({ minLength: 1 }),
          numSites: Type.Optional(Count()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, description: 'Countries of the plan; locationId 0 is All Locations' },
    ),
    weekly: Type.Optional(
      Type.Object(
        {
          sites: Type.Optional(WeeklySeries),
          subjects: Type.Optional(WeeklySeries),
          crfs: Type.Optional(WeeklySeries),
        },
        { additionalProperties: false, description: 'Planned weekly series per location' },
      ),
    ),
    serviceProviders: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: PlanRef,
            name: Type.String({ minLength: 1 }),
            type: Type.Optional(Type.Union([Type.Literal('Sponsor'), Type.Literal('CRO')])),
            trackingLevel: Type.Enum(FEE_TRACKING_LEVELS, { description: 'Fee payment option' }),
            majorTasks: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    id: Id(),
                    name: Type.String({ minLength: 1 }),
                    isTrackedAsPercentage: Type.Boolean(),
                    trackingLevel: Type.Union([Type.Literal('study'), Type.Literal('location')], {
                      description: 'study: tracked at All Locations (0) only; location: per country',
                    }),
                    budget: Type.Optional(Decimal),
                    locations: Type.Array(ItemLocation),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
            fees: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    majorTaskId: IdOrZero({ description: '0 = All Major Tasks' }),
                    locations: Type.Array(ItemLocation),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
            costs: Type.Optional(
              Type.Array(
                Type.Object(
                  {
                    id: Id(),
                    name: Type.String({ minLength: 1 }),
                    type: Type.Optional(
                      Type.Union([Type.Literal('Miscellaneous'), Type.Literal('Pass Through')]),
                    ),
                    earnedValueTrackingLevel: Type.Enum(EV_TRACKING_LEVELS),
                    locations: Type.Array(ItemLocation),
                  },
                  { additionalProperties: false },
                ),
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
)
export type PlanDocument = Static<typeof PlanDocumentSchema>

export const PlanSummarySchema = Type.Object({
  id: Id(),
  studyId: Id(),
  name: Type.String(),
  code: Nullable(Type.String()),
  description: Nullable(Type.String()),
  planState: Type.String(),
  startDate: Type.String(),
  currency: Type.String(),
  isBaseline: Type.Boolean(),
  trackUrl: Nullable(Type.String(), { description: 'The Track API of a baseline plan' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
})
export type PlanSummary = Static<typeof PlanSummarySchema>

export const PlanListSchema = Page(PlanSummarySchema)

export const PlanListQuery = Type.Object(
  { studyId: Type.Optional(Id()), ...PageQuerySchema.properties },
  { additionalProperties: false },
)

export const PlanIdParams = Type.Object({ planId: Id() })
