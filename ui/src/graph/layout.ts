// Automatic layout: layers top to bottom by the longest path from Start, so every
// step sits below the steps that lead to it. Edges that close a loop are ignored
// when measuring paths, which keeps loops from pushing nodes down without end.
import type { JourneyDocument, JourneyNode, Position } from '../api/types'
import { targetsOf } from './targets'

export const LAYER_HEIGHT = 140
export const COLUMN_WIDTH = 260

/** Returns a position for every node; the same document always gets the same layout. */
export function layoutPositions(document: JourneyDocument): Map<string, Position> {
  const { order, forward } = forwardEdges(document)
  const layer = longestPathLayers(order, forward)

  const rows = new Map<number, string[]>()
  for (const id of order) {
    const row = rows.get(layer.get(id) ?? 0) ?? []
    row.push(id)
    rows.set(layer.get(id) ?? 0, row)
  }

  const positions = new Map<string, Position>()
  for (const [depth, ids] of rows) {
    ids.forEach((id, index) => {
      positions.set(id, { x: (index - (ids.length - 1) / 2) * COLUMN_WIDTH, y: depth * LAYER_HEIGHT })
    })
  }
  return positions
}

/** Returns the document with every node placed by `layoutPositions`. */
export function applyLayout(document: JourneyDocument): JourneyDocument {
  const positions = layoutPositions(document)
  return { ...document, nodes: document.nodes.map((node) => ({ ...node, position: positions.get(node.id) ?? { x: 0, y: 0 } })) }
}

/**
 * Walks depth first from Start, then from each node not reached yet in document
 * order, and keeps the edges that do not lead back to a node on the current path.
 * `order` is the order in which nodes were first reached.
 */
function forwardEdges(document: JourneyDocument): { order: string[]; forward: Map<string, string[]> } {
  const byId = new Map(document.nodes.map((node) => [node.id, node]))
  const order: string[] = []
  const forward = new Map<string, string[]>()
  const state = new Map<string, 'open' | 'done'>()

  const visit = (node: JourneyNode) => {
    state.set(node.id, 'open')
    order.push(node.id)
    const kept: string[] = []
    for (const target of targetsOf(node)) {
      const next = byId.get(target)
      if (!next || state.get(target) === 'open') continue
      kept.push(target)
      if (!state.has(target)) visit(next)
    }
    forward.set(node.id, kept)
    state.set(node.id, 'done')
  }

  const roots = [...document.nodes.filter((node) => node.type === 'start'), ...document.nodes]
  for (const root of roots) {
    if (!state.has(root.id)) visit(root)
  }
  return { order, forward }
}

function longestPathLayers(order: string[], forward: Map<string, string[]>): Map<string, number> {
  // Forward edges form a DAG, so a topological order lets one pass relax every edge.
  const incoming = new Map<string, number>(order.map((id) => [id, 0]))
  for (const targets of forward.values()) {
    for (const target of targets) incoming.set(target, (incoming.get(target) ?? 0) + 1)
  }

  const layer = new Map<string, number>(order.map((id) => [id, 0]))
  const ready = order.filter((id) => incoming.get(id) === 0)
  while (ready.length > 0) {
    const id = ready.shift() as string
    for (const target of forward.get(id) ?? []) {
      layer.set(target, Math.max(layer.get(target) ?? 0, (layer.get(id) ?? 0) + 1))
      const left = (incoming.get(target) ?? 0) - 1
      incoming.set(target, left)
      if (left === 0) ready.push(target)
    }
  }
  return layer
}
