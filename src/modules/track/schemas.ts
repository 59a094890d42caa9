import { Type, type TSchema } from 'typebox'
import type { TrackResource } from '../plans/repository.js'
import { trackExample } from './examples.js'
import { ROOT_NAMES } from './model.js'
import { Amount, Count, Id, IdOrZero, Nullable } from '../../http/schemas.js'

/**
 * The six Track representations, declared once. `response` is what GET and POST return (and OpenAPI shows);
 * `request` is the same shape with every field optional and values left to the service's validation, which
 * reports the contract's own messages ("Field cannot be empty", range, date) for every field at once.
 */
type Mode = 'response' | 'request'

function field(mode: Mode, schema: TSchema): TSchema {
  if (mode === 'response') return schema
  return Type.Optional(Type.Unknown({ description: (schema as { description?: string }).description }))
}

const nullableNumber = (description: string) => Nullable(Amount(), { description })

function location(mode: Mode, period: TSchema) {
  return Type.Object({
    locationId: field(mode, IdOrZero({ description: 'Location (country) id; 0 = All Locations' })),
    locationName: field(mode, Type.String({ description: 'Read-only' })),
    periods: Type.Optional(Type.Array(period, { description: 'Absent when nothing is planned here' })),
  })
}

function weekly(mode: Mode) {
  const period = Type.Object({
    date: field(mode, Type.String({ description: 'The week, dd-MMM-yyyy (01-Apr-2010)' })),
    plannedValue: field(mode, Amount({ description: 'Read-only' })),
    actualValue: field(
      mode,
      nullableNumber('A whole number ≥ 0; null clears it; leave the key out to keep it'),
    ),
  })
  return { location: Type.Optional(Type.Array(location(mode, period))) }
}

function monthlyPeriod(mode: Mode, withEarned: boolean) {
  return Type.Object({
    startDate: field(mode, Type.String({ description: 'The month, dd-MMM-yyyy' })),
    endDate: field(mode, Type.String({ description: 'Read-only' })),
    plannedValue: field(mode, Amount({ description: 'Read-only' })),
    ...(withEarned
      ? { earnedValue: Type.Optional(field(mode, nullableNumber('Only for "Enter EV and AP" costs'))) }
      : {}),
    actualValue: field(mode, nullableNumber('≥ 0 (0–1 for a task tracked as a percentage); null clears it')),
  })
}

function monthly(mode: Mode, resource: 'units' | 'fees' | 'costs') {
  const period = monthlyPeriod(mode, resource === 'costs')
  const item = Type.Object({
    id: field(
      mode,
      IdOrZero({
        description: resource === 'costs' ? 'Cost id' : 'Major task id (fees: 0 = All Major Tasks)',
      }),
    ),
    name: field(mode, Type.String({ description: 'Read-only' })),
    ...(resource === 'units'
      ? { isTrackedAsPercentage: field(mode, Type.Boolean({ description: 'Read-only' })) }
      : {}),
    ...(resource === 'costs'
      ? { earnedValueTrackingLevel: field(mode, Type.String({ description: 'Read-only' })) }
      : {}),
    location: Type.Optional(Type.Array(location(mode, period))),
  })
  const provider = Type.Object({
    id: field(mode, Id({ description: 'Service provider id' })),
    name: field(mode, Type.String({ description: 'Read-only' })),
    ...(resource === 'fees'
      ? { trackingLevel: field(mode, Type.String({ description: 'Read-only: the payment option' })) }
      : {}),
    [resource === 'costs' ? 'cost' : 'majorTask']: Type.Optional(Type.Array(item)),
  })
  return { serviceProvider: Type.Optional(Type.Array(provider)) }
}

export function actualsSchema(resource: TrackResource, mode: Mode): TSchema {
  const body =
    resource === 'sites' || resource === 'subjects' || resource === 'crfs'
      ? weekly(mode)
      : monthly(mode, resource)
  const inner = Type.Object({
    lockToken:
      mode === 'response'
        ? Count({
            maximum: Number.MAX_SAFE_INTEGER,
            description: 'Send it back with your POST; it changes with every write',
          })
        : Type.Optional(Type.Unknown({ description: 'The lockToken of your GET (missing or stale → 409)' })),
    planId: field(mode, Id({ description: 'The baseline plan (read-only)' })),
    ...body,
    url: field(mode, Type.String({ description: 'Read-only' })),
  })
  return Type.Object({ [ROOT_NAMES[resource]]: inner }, trackExample(resource))
}

export const PlanIdParams = Type.Object({
  baselinePlanId: Id({ description: 'The baseline plan of the study' }),
})
