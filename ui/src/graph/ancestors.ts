// Which nodes a recipient can have passed through before reaching a node, so that
// conditions and templates there can offer those nodes' outputs.
import type { JourneyDocument, JourneyNode } from '../api/types'
import { targetsOf } from './targets'

/**
 * Lists the nodes from which `nodeId` can be reached, in document order. The node
 * itself is included only when it lies on a loop, because only then has a recipient
 * passed it before.
 */
export function ancestors(document: JourneyDocument, nodeId: string): JourneyNode[] {
  const incoming = new Map<string, string[]>()
  for (const node of document.nodes) {
    for (const target of targetsOf(node)) {
      const sources = incoming.get(target) ?? []
      sources.push(node.id)
      incoming.set(target, sources)
    }
  }

  const found = new Set<string>()
  const waiting = [...(incoming.get(nodeId) ?? [])]
  while (waiting.length > 0) {
    const id = waiting.pop() as string
    if (found.has(id)) continue
    found.add(id)
    waiting.push(...(incoming.get(id) ?? []))
  }

  return document.nodes.filter((node) => found.has(node.id))
}
