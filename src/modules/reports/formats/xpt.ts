/**
 * SAS Version 5 transport files (XPORT), as SAS Technical Support note TS-140 lays them out: 80-byte header
 * records, one 140-byte NAMESTR per variable, observations packed back to back and the last record padded with
 * blanks; numbers as IBM System/360 double precision, big-endian. Knows nothing of reports: it writes variables
 * and values it is given (see xpt-report.ts for how a report becomes those).
 */

export interface XptVariable {
  /** ≤ 8 characters, upper case (see `xptNames`). */
  name: string
  /** ≤ 40 characters. */
  label: string
  type: 'num' | 'char'
  /** Bytes in an observation: 8 for numbers, 1–200 for text. */
  length: number
  /** Output format, e.g. `{ name: 'E8601DA', width: 10, decimals: 0 }`. */
  format?: { name: string; width: number; decimals: number }
}

export interface XptDataset {
  /** ≤ 8 characters. */
  name: string
  label: string
  variables: readonly XptVariable[]
  created: Date
  /** What the header says wrote the file; SAS puts its release and host there. */
  sasVersion?: string
  os?: string
}

/** Text a V5 transport file cannot carry without change; thrown when the caller did not ask for `fit`. */
export class XptValueError extends Error {}

export const XPT_MAX_CHAR = 200
const RECORD = 80
const NAMESTR = 140
const BLANK = 0x20
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const NON_ASCII = /[^\x00-\x7f]/

/** ddMMMyy:hh:mm:ss in UTC, as the header records want it. */
export function xptDateTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0')
  return (
    `${two(d.getUTCDate())}${MONTHS[d.getUTCMonth()] ?? 'JAN'}${two(d.getUTCFullYear() % 100)}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  )
}

/**
 * Text made ASCII: letters with accents lose them (é → e, by NFKD), anything else outside ASCII becomes `?`.
 * Used only when the caller asked for values to be fitted (`truncate=true`).
 */
export function toAscii(s: string): string {
  if (!NON_ASCII.test(s)) return s
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x00-\x7f]/gu, '?')
}

/**
 * Variable names as V5 wants them: upper case, letters, digits and `_` only (others become `_`), not starting
 * with a digit (a `_` is put in front), at most 8 characters; a name already taken by an earlier column has its
 * end replaced by the smallest number 2, 3, … that makes it unique (`PERCENT_` → `PERCENT2`).
 */
export function xptNames(names: readonly string[]): string[] {
  const used = new Set<string>()
  return names.map((n) => {
    let base = toAscii(n)
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_')
    if (base === '' || /^[0-9]/.test(base)) base = `_${base}`
    let name = base.slice(0, 8)
    for (let k = 2; used.has(name); k++) name = base.slice(0, 8 - String(k).length) + String(k)
    used.add(name)
    return name
  })
}

/** Blank-padded ASCII of exactly `width` bytes (cut when longer). */
function field(s: string, width: number): string {
  return toAscii(s).slice(0, width).padEnd(width, ' ')
}

function header(kind: string, digits: string): string {
  return `HEADER RECORD*******${kind.padEnd(8, ' ')}HEADER RECORD!!!!!!!${digits}`.padEnd(RECORD, ' ')
}

/** Everything before the first observation: library, member, descriptor, NAMESTR and observation headers. */
export function xptHeader(ds: XptDataset): Buffer {
  const version = field(ds.sasVersion ?? '9.4', 8)
  const os = field(ds.os ?? 'TRIALDCK', 8)
  const stamp = xptDateTime(ds.created)
  const zeros = (n: number) => '0'.repeat(n)
  const text =
    header('LIBRARY', zeros(30)) +
    `SAS     SAS     SASLIB  ${version}${os}${' '.repeat(24)}${stamp}` +
    stamp.padEnd(RECORD, ' ') +
    header('MEMBER', `${zeros(17)}16${zeros(8)}${NAMESTR}`) +
    header('DSCRPTR', zeros(30)) +
    `SAS     ${field(ds.name, 8)}SASDATA ${version}${os}${' '.repeat(24)}${stamp}` +
    `${stamp}${' '.repeat(16)}${field(ds.label, 40)}${' '.repeat(8)}` +
    header('NAMESTR', `${zeros(6)}${String(ds.variables.length).padStart(4, '0')}${zeros(20)}`)
  const names = Buffer.alloc(Math.ceil((ds.variables.length * NAMESTR) / RECORD) * RECORD, BLANK)
  let position = 0
  ds.variables.forEach((v, i) => {
    const at = i * NAMESTR
    names.fill(0, at, at + NAMESTR)
    names.writeInt16BE(v.type === 'num' ? 1 : 2, at)
    names.writeInt16BE(v.length, at + 4)
    names.writeInt16BE(i + 1, at + 6)
    names.write(field(v.name, 8), at + 8, 'latin1')
    names.write(field(v.label, 40), at + 16, 'latin1')
    names.write(field(v.format?.name ?? '', 8), at + 56, 'latin1')
    names.writeInt16BE(v.format?.width ?? 0, at + 64)
    names.writeInt16BE(v.format?.decimals ?? 0, at + 66)
    names.write(' '.repeat(8), at + 72, 'latin1')
    names.writeInt32BE(position, at + 84)
    position += v.length
  })
  return Buffer.concat([Buffer.from(text, 'latin1'), names, Buffer.from(header('OBS', zeros(30)), 'latin1')])
}

const scratch = new DataView(new ArrayBuffer(8))

/**
 * Writes `v` at `buf[at…at+8)` as an IBM System/360 double: sign bit, excess-64 base-16 exponent, 56-bit
 * fraction. Exact for every IEEE double in range (its 53-bit significand fits the 56-bit fraction whatever the
 * hexadecimal shift); magnitudes under 16^-65 (subnormals included) are written as 0, as SAS does; null and
 * NaN are the missing value `.`; a magnitude of 16^63 or more (and ±Infinity) cannot be written and throws.
 */
export function writeIbm(buf: Buffer, at: number, v: number | null): void {
  if (v === null || Number.isNaN(v)) {
    buf[at] = 0x2e
    buf.fill(0, at + 1, at + 8)
    return
  }
  scratch.setFloat64(0, v)
  const high = scratch.getUint32(0)
  const low = scratch.getUint32(4)
  const biased = (high >>> 20) & 0x7ff
  if (v === 0 || biased === 0) {
    buf.fill(0, at, at + 8)
    return
  }
  if (biased === 0x7ff) throw new XptValueError(`${v} cannot be written as an IBM double`)
  // v = 0.1mmm… (binary, 53 bits) × 2^e2; with e2 = 4q − s (0 ≤ s ≤ 3), v = (0.1mmm… >> s) × 16^q.
  const e2 = biased - 1022
  const q = Math.ceil(e2 / 4)
  const k = 3 - (4 * q - e2)
  const exponent = q + 64
  if (exponent > 127) throw new XptValueError(`${v} is too large for an IBM double (at most about 7.2e75)`)
  if (exponent < 0) {
    buf.fill(0, at, at + 8)
    return
  }
  const top = (high & 0xfffff) | 0x100000 // the 21 high bits of the significand, the implicit 1 included
  const hi = k === 0 ? top : (top << k) | (low >>> (32 - k)) // 24 bits
  const lo = (low << k) >>> 0 // 32 bits
  buf[at] = (v < 0 ? 0x80 : 0) | exponent
  buf[at + 1] = hi >>> 16
  buf[at + 2] = (hi >>> 8) & 0xff
  buf[at + 3] = hi & 0xff
  buf.writeUInt32BE(lo, at + 4)
}

/** The IEEE value of an 8-byte IBM double (null for a missing value); the tests' independent check. */
export function readIbm(buf: Buffer, at = 0): number | null {
  const first = buf[at] ?? 0
  const rest = buf.subarray(at + 1, at + 8)
  if ((first === 0x2e || first === 0x5f || (first >= 0x41 && first <= 0x5a)) && rest.every((b) => b === 0))
    return null
  const hi = ((buf[at + 1] ?? 0) << 16) | ((buf[at + 2] ?? 0) << 8) | (buf[at + 3] ?? 0)
  const lo = buf.readUInt32BE(at + 4)
  const fraction = (hi * 2 ** 32 + lo) / 2 ** 56
  return (first & 0x80 ? -1 : 1) * fraction * 16 ** ((first & 0x7f) - 64)
}

export type XptValue = string | number | null

/** Observations of one dataset, encoded batch by batch; `end()` gives the blank padding of the last record. */
export class XptObservations {
  readonly width: number
  private written = 0
  private readonly offsets: number[]

  /** `fit`: cut text longer than its variable and make it ASCII, instead of throwing XptValueError. */
  constructor(
    private readonly variables: readonly XptVariable[],
    private readonly fit = false,
  ) {
    let at = 0
    this.offsets = variables.map((v) => {
      const o = at
      at += v.length
      return o
    })
    this.width = at
  }

  encode(rows: readonly (readonly XptValue[])[]): Buffer {
    const buf = Buffer.allocUnsafe(this.width * rows.length)
    const vars = this.variables
    let base = 0
    for (const row of rows) {
      for (let i = 0; i < vars.length; i++) {
        const v = vars[i] as XptVariable
        const at = base + (this.offsets[i] ?? 0)
        const value = row[i] ?? null
        if (v.type === 'num') {
          writeIbm(buf, at, typeof value === 'string' ? Number(value) : value)
          continue
        }
        let text = value === null ? '' : String(value)
        if (text.length > v.length || NON_ASCII.test(text)) {
          if (!this.fit)
            throw new XptValueError(`a value of ${v.name} does not fit in ${v.length} ASCII bytes`)
          text = toAscii(text).slice(0, v.length)
        }
        const n = buf.write(text, at, v.length, 'latin1')
        buf.fill(BLANK, at + n, at + v.length)
      }
      base += this.width
    }
    this.written += buf.length
    return buf
  }

  end(): Buffer {
    return Buffer.alloc((RECORD - (this.written % RECORD)) % RECORD, BLANK)
  }
}
