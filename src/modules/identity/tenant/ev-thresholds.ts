import { Type, type Static } from 'typebox'
import type { ErrorList } from '../../../errors.js'
import { Nullable } from '../../../http/schemas.js'

/**
 * Where the earned-value indices turn amber and red, a tenant setting. SPI and CPI are better high: at or above
 * `green` is green, at or above `amber` amber, below red. TCPI (the efficiency the rest of the work needs) is better
 * low: at or below `green` green, at or below `amber` amber, above red.
 */
const Bound = Type.Number({ minimum: 0, maximum: 10, description: 'An index value, 0-10' })
const Band = Type.Object({ green: Bound, amber: Bound }, { additionalProperties: false })

export const EvThresholdsSchema = Type.Object(
  { spi: Band, cpi: Band, tcpi: Band },
  {
    additionalProperties: false,
    description:
      'SPI and CPI: green at or above `green`, amber at or above `amber`, else red (so amber ≤ green). TCPI: green ' +
      'at or below `green`, amber at or below `amber`, else red (so green ≤ amber).',
  },
)
export type EvThresholds = Static<typeof EvThresholdsSchema>

export const DEFAULT_EV_THRESHOLDS: EvThresholds = {
  spi: { green: 0.95, amber: 0.9 },
  cpi: { green: 0.95, amber: 0.9 },
  tcpi: { green: 1.05, amber: 1.1 },
}

/** The PATCH shape: any of the three indices, whole bands; null goes back to the defaults. */
export const EvThresholdsPatchSchema = Nullable(
  Type.Object(
    { spi: Type.Optional(Band), cpi: Type.Optional(Band), tcpi: Type.Optional(Band) },
    { additionalProperties: false, minProperties: 1 },
  ),
  { description: 'Bands to change (the others stay); null: the defaults (0.95/0.90, TCPI 1.05/1.10)' },
)
export type EvThresholdsPatch = Static<typeof EvThresholdsPatchSchema>

/** Applies a patch, naming each band whose order is wrong (`/evThresholds/spi/amber` …). */
export function patchEvThresholds(
  errors: ErrorList,
  current: EvThresholds,
  patch: EvThresholdsPatch,
): EvThresholds {
  if (patch === null) return DEFAULT_EV_THRESHOLDS
  const next: EvThresholds = { ...current, ...patch }
  for (const kind of ['spi', 'cpi'] as const) {
    const b = next[kind]
    if (patch[kind] && b.amber > b.green)
      errors.add(`/evThresholds/${kind}/amber`, `must not be above green (${b.green})`, 'range')
  }
  const t = next.tcpi
  if (patch.tcpi && t.amber < t.green)
    errors.add('/evThresholds/tcpi/amber', `must not be below green (${t.green})`, 'range')
  return next
}
