import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import xport from 'xport-js'

/** The part of xport-js's Library the tests use (its own typings do not resolve under NodeNext). */
interface XportVariable {
  name: string
  label: string
  length: number
  type: string
  formatName: string
  formatW: string
  formatD: string
}
interface XportLibrary {
  members: {
    name: string
    label: string
    variableOrder: string[]
    variables: Record<string, XportVariable>
  }[]
  getMetadata(): Promise<unknown>
  read(options: { rowFormat: 'array'; skipHeader: boolean }): AsyncIterable<unknown>
}
type XportConstructor = new (file: string) => XportLibrary
// xport-js is CommonJS with an `exports.default`: under Node's ESM loader the default import is the exports object.
const module_ = xport as unknown as { default?: XportConstructor }
const Library = module_.default ?? (xport as unknown as XportConstructor)

export interface XptRead {
  dataset: { name: string; label: string }
  /** `type` is `Num` or `Char`, as xport-js says. */
  variables: XportVariable[]
  rows: (string | number | null)[][]
}

/** Reads a SAS V5 transport file with xport-js, an implementation independent of ours. */
export async function readXpt(bytes: Buffer): Promise<XptRead> {
  const dir = mkdtempSync(join(tmpdir(), 'trialdeck-xpt-'))
  try {
    const file = join(dir, 'data.xpt')
    writeFileSync(file, bytes)
    const lib = new Library(file)
    await lib.getMetadata()
    const member = lib.members[0]
    if (!member) throw new Error('no member in the transport file')
    const variables = member.variableOrder.map((n) => member.variables[n] as XportVariable)
    const rows: XptRead['rows'] = []
    for await (const obs of lib.read({ rowFormat: 'array', skipHeader: true }))
      rows.push(obs as (string | number | null)[])
    return { dataset: { name: member.name, label: member.label }, variables, rows }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
