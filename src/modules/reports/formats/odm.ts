import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.js'
import type { Progress } from './tabular.js'
import { escapeXml, XML_DECLARATION } from '../../../http/xml.js'
import type { ResolvedReport } from '../params.js'
import { Obs, observationsQuery, type Dimensions } from '../producers/conduct.js'
import type { RawRow, Snapshot } from '../producers/source.js'

const ODM_NS = 'http://www.cdisc.org/ns/odm/v1.3'

/** An OID from a name: letters, digits, `.`, `_` and `-` only; a clash within one kind gets its id appended. */
function oids<T>(
  entries: Iterable<[number, T]>,
  prefix: string,
  name: (t: T) => string,
): Map<number, string> {
  const out = new Map<number, string>()
  const used = new Set<string>()
  for (const [id, t] of entries) {
    let oid = `${prefix}.${name(t)
      .toUpperCase()
      .replace(/[^A-Z0-9._-]+/g, '_')}`
    if (used.has(oid)) oid = `${oid}.${id}`
    used.add(oid)
    out.set(id, oid)
  }
  return out
}

/**
 * CDISC ODM 1.3.2 ClinicalData for the transfer report: SubjectData → StudyEventData (timepoint) → FormData →
 * ItemGroupData → ItemData. Observations arrive in (subject, timepoint, item) order; one subject-timepoint is
 * buffered at a time (at most one value per item) to group its items by form and item group.
 */
export async function* odmChunks(
  db: Kysely<DB>,
  snap: Snapshot,
  r: ResolvedReport,
  dims: Dimensions,
  progress: Progress,
): AsyncGenerator<string> {
  const study = escapeXml(r.study.protocol)
  const events = oids(dims.timepoints.entries(), 'SE', (t) => t.name)
  const itemOids = oids(dims.items.entries(), 'I', (i) => i.code)
  const now = new Date().toISOString()
  // ODM 1.3.2's Granularity has no value for "some subjects": one subject asked for is SingleSubject, else the
  // file holds the clinical data of every subject the run selects (AllClinicalData).
  const granularity = r.subjectIds?.length === 1 ? 'SingleSubject' : 'AllClinicalData'
  yield (
    `${XML_DECLARATION}\n` +
    `<ODM xmlns="${ODM_NS}" ODMVersion="1.3.2" FileType="Snapshot" FileOID="trialdeck.transfer.${study}.${now}" ` +
    `CreationDateTime="${now}" Granularity="${granularity}" SourceSystem="Trialdeck">\n` +
    `<ClinicalData StudyOID="${study}" MetaDataVersionOID="MDV.${study}">\n`
  )

  let subject: number | undefined
  let timepoint: number | undefined
  let group: RawRow[] = []

  const flushEvent = (): string => {
    if (group.length === 0 || timepoint === undefined) return ''
    const forms = new Map<string, Map<string, RawRow[]>>()
    for (const o of group) {
      const item = dims.items.get(o[Obs.item] as number)
      const form = item?.form ?? 'UNKNOWN'
      const ig = item?.group ?? 'UNKNOWN'
      let groups = forms.get(form)
      if (!groups) forms.set(form, (groups = new Map<string, RawRow[]>()))
      let rows = groups.get(ig)
      if (!rows) groups.set(ig, (rows = []))
      rows.push(o)
    }
    let out = `<StudyEventData StudyEventOID="${escapeXml(events.get(timepoint) ?? `SE.${timepoint}`)}">\n`
    for (const [form, groups] of forms) {
      out += `<FormData FormOID="F.${escapeXml(form)}">\n`
      for (const [ig, rows] of groups) {
        out += `<ItemGroupData ItemGroupOID="IG.${escapeXml(ig)}">\n`
        for (const o of rows) {
          const value = o[Obs.value] as string | null
          const oid = escapeXml(itemOids.get(o[Obs.item] as number) ?? `I.${String(o[Obs.item])}`)
          out +=
            value === null
              ? `<ItemData ItemOID="${oid}" IsNull="Yes"/>\n`
              : `<ItemData ItemOID="${oid}" Value="${escapeXml(value)}"/>\n`
        }
        out += '</ItemGroupData>\n'
      }
      out += '</FormData>\n'
    }
    group = []
    return out + '</StudyEventData>\n'
  }

  for await (const batch of snap.batches(observationsQuery(db, r))) {
    let out = ''
    for (const o of batch) {
      const s = o[Obs.subject] as number
      const t = o[Obs.timepoint] as number
      if (s !== subject || t !== timepoint) out += flushEvent()
      if (s !== subject) {
        if (subject !== undefined) out += '</SubjectData>\n'
        const dim = dims.subjects.get(s)
        out += `<SubjectData SubjectKey="${escapeXml(dim?.number ?? String(s))}">\n`
        if (dim?.siteId !== null && dim?.siteId !== undefined)
          out += `<SiteRef LocationOID="${dim.siteId}"/>\n`
        subject = s
      }
      timepoint = t
      group.push(o)
    }
    progress.rows += batch.length
    progress.onBatch?.(progress.rows)
    yield out
  }
  let tail = flushEvent()
  if (subject !== undefined) tail += '</SubjectData>\n'
  yield tail + '</ClinicalData>\n</ODM>\n'
}
