// The node funnel: each node's entered, on now and left counts, in the order a
// recipient meets the nodes when walking from Start.
import type { JourneyDocument, JourneyNode } from '../api/types'
import { targetsOf } from '../graph/targets'
import type { NodeStats } from './types'

export interface FunnelRow {
  id: string
  label: string
  type: string | undefined
  entered: number
  onNow: number
  left: number
}

/**
 * Orders node ids by the longest path from Start, so that a node comes after every
 * node that can lead to it; links back into a loop are ignored. Ties keep the order in
 * which a breadth-first walk meets the nodes. Nodes that Start cannot reach follow, in
 * document order.
 */
export function journeyOrder(document: JourneyDocument): string[] {
  const byId = new Map(document.nodes.map((node) => [node.id, node]))
  const start = document.nodes.find((node) => node.type === 'start')
  if (!start) return document.nodes.map((node) => node.id)

  const seen = breadthFirst(start, byId)
  const depth = longestDepths(start.id, byId, backLinks(start.id, byId))
  const reached = [...seen].sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || seen.indexOf(a) - seen.indexOf(b))
  const unreached = document.nodes.map((node) => node.id).filter((id) => !seen.includes(id))
  return [...reached, ...unreached]
}

/** Lists the funnel rows in journey order; nodes that only earlier versions had come last. */
export function funnelRows(document: JourneyDocument, nodes: NodeStats[]): FunnelRow[] {
  const byId = new Map(document.nodes.map((node) => [node.id, node]))
  const counts = new Map(nodes.map((node) => [node.node_id, node]))
  const order = journeyOrder(document)
  const removed = nodes.map((node) => node.node_id).filter((id) => !byId.has(id))

  return [...order, ...removed].map((id) => {
    const node = byId.get(id)
    const count = counts.get(id)
    return {
      id,
      label: node ? String(node.label || id) : `${id} (removed)`,
      type: node?.type,
      entered: count?.entered ?? 0,
      onNow: count?.on_now ?? 0,
      left: count?.left ?? 0,
    }
  })
}

function breadthFirst(start: JourneyNode, byId: Map<string, JourneyNode>): string[] {
  const seen = [start.id]
  for (let cursor = 0; cursor < seen.length; cursor++) {
    const node = byId.get(seen[cursor])
    for (const target of node ? targetsOf(node) : []) {
      if (byId.has(target) && !seen.includes(target)) seen.push(target)
    }
  }
  return seen
}

// Links that point back to a node on the current depth-first path close a loop.
function backLinks(startId: string, byId: Map<string, JourneyNode>): Set<string> {
  const back = new Set<string>()
  const state = new Map<string, 'open' | 'done'>()
  const visit = (id: string) => {
    state.set(id, 'open')
    const node = byId.get(id)
    for (const target of node ? targetsOf(node) : []) {
      if (!byId.has(target)) continue
      if (state.get(target) === 'open') back.add(`${id}>${target}`)
      else if (!state.has(target)) visit(target)
    }
    state.set(id, 'done')
  }
  visit(startId)
  return back
}

function longestDepths(startId: string, byId: Map<string, JourneyNode>, back: Set<string>): Map<string, number> {
  const depth = new Map<string, number>()
  const depthOf = (id: string): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    let deepest = 0
    for (const source of byId.values()) {
      if (targetsOf(source).includes(id) && !back.has(`${source.id}>${id}`) && reachable(source.id)) {
        deepest = Math.max(deepest, depthOf(source.id) + 1)
      }
    }
    depth.set(id, deepest)
    return deepest
  }
  const reachableIds = new Set(breadthFirst(byId.get(startId) as JourneyNode, byId))
  const reachable = (id: string) => reachableIds.has(id)
  for (const id of reachableIds) depthOf(id)
  return depth
}
