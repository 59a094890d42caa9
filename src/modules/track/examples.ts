/**
 * The example of each Track representation shown in the OpenAPI document: the cleaned seed samples
 * (`shared/fixtures/track/`, copied beside this file), in JSON and, written by the server's own XML writer, XML.
 */
import { XML_EXAMPLE } from '../../http/openapi-contract.js'
import costs from './examples/costs.json' with { type: 'json' }
import crfs from './examples/crfs.json' with { type: 'json' }
import fees from './examples/fees.json' with { type: 'json' }
import sites from './examples/sites.json' with { type: 'json' }
import subjects from './examples/subjects.json' with { type: 'json' }
import units from './examples/units.json' with { type: 'json' }
import { xmlDocument, type Value } from '../../http/xml.js'
import type { TrackResource } from '../plans/repository.js'

const EXAMPLES: Record<TrackResource, Record<string, Value>> = { sites, subjects, crfs, units, fees, costs }

/** Schema options that put the resource's example (JSON and XML) on its schema. */
export function trackExample(resource: TrackResource): Record<string, unknown> {
  const example = EXAMPLES[resource]
  return { examples: [example], [XML_EXAMPLE]: xmlDocument(example) }
}
