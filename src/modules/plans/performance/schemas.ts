import { Type, type Static } from 'typebox'
import { Amount, Id, IdOrZero, Nullable } from '../../../http/schemas.js'

const Money = (description: string) => Amount({ description })
const Index = (description: string) => Nullable(Amount(), { description })

const FiguresProperties = {
  bac: Money('Budget at completion: task budgets + planned costs'),
  pv: Money('Planned value to the status date'),
  ev: Money('Earned value to the status date'),
  ac: Money('Actual cost to the status date: fees paid + actual costs'),
  sv: Money('Schedule variance EV − PV'),
  cv: Money('Cost variance EV − AC'),
  spi: Index('EV / PV; null when PV is 0'),
  cpi: Index('EV / AC; null when AC is 0'),
  eac: Money('Estimate at completion: BAC / CPI, or AC + (BAC − EV) when CPI is null or 0'),
  etc: Money('Estimate to complete: EAC − AC'),
  vac: Money('Variance at completion: BAC − EAC'),
  tcpi: Index('To-complete performance index (BAC − EV) / (BAC − AC); null when BAC = AC'),
  percentComplete: Index('EV / BAC (0–1); null when BAC is 0'),
}

/** Earned-value figures of a plan, a provider or a location at a status date (see README, "Earned value"). */
const FiguresSchema = Type.Object(FiguresProperties)
export type Figures = Static<typeof FiguresSchema>

const SeriesPointSchema = Type.Object({
  startDate: Type.String(),
  endDate: Type.String(),
  pv: Money('Cumulative PV through this period'),
  ev: Nullable(Amount(), { description: 'Cumulative EV; null after the status date' }),
  ac: Nullable(Amount(), { description: 'Cumulative AC; null after the status date' }),
})
export type SeriesPoint = Static<typeof SeriesPointSchema>

/** A plan's earned value at a status date: the plan, each service provider and location, and the series. */
export const PerformanceSchema = Type.Object({
  statusDate: Type.String({ description: 'YYYY-MM-DD' }),
  plan: FiguresSchema,
  serviceProviders: Type.Array(Type.Object({ id: Id(), name: Type.String(), ...FiguresProperties })),
  locations: Type.Array(
    Type.Object({ locationId: IdOrZero(), locationName: Type.String(), ...FiguresProperties }),
  ),
  series: Type.Array(SeriesPointSchema),
})
export type Performance = Static<typeof PerformanceSchema>
