/**
 * A fixed clock for the example capture: while it is installed, `Date.now()` and `new Date()` answer the demo
 * instant (moved on only by `advance`), so every timestamp the demo data and the captured writes carry is the
 * same on every run. Dates built from a value (`new Date(x)`, `Date.parse`, `Date.UTC`) are untouched.
 */
export function installDemoClock(startIso: string): { advance: (ms: number) => void; uninstall: () => void } {
  const RealDate = globalThis.Date
  let now = RealDate.parse(startIso)
  if (Number.isNaN(now)) throw new Error(`not an instant: ${startIso}`)
  class DemoDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(now)
      else super(...args)
    }
    static override now(): number {
      return now
    }
  }
  globalThis.Date = DemoDate as DateConstructor
  return {
    advance: (ms) => {
      now += ms
    },
    uninstall: () => {
      globalThis.Date = RealDate
    },
  }
}
