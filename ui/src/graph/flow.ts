// Conversion between a journey document and React Flow's nodes and edges. The
// document stays the source of truth: a canvas node carries its whole document
// node, so settings, labels and unknown keys survive a round trip untouched.
import type { Edge, Node } from '@xyflow/react'
import type { JourneyDocument, JourneyNode, Position } from '../api/types'
import { layoutPositions } from './layout'
import { caseIndex, connectionsOf, DEFAULT, withTarget } from './targets'

export interface JourneyNodeData extends Record<string, unknown> {
  node: JourneyNode
}

export type FlowNode = Node<JourneyNodeData>
export type FlowEdge = Edge

export function edgeId(source: string, handle: string): string {
  return `${source}:${handle}`
}

/** Builds the canvas: one node per document node, one edge per connected handle. */
export function toFlow(document: JourneyDocument): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const ids = new Set(document.nodes.map((node) => node.id))
  const needsLayout = document.nodes.some((node) => !node.position)
  const laidOut = needsLayout ? layoutPositions(document) : new Map<string, Position>()

  const nodes = document.nodes.map((node) => ({
    id: node.id,
    type: node.type,
    position: node.position ? { x: node.position.x, y: node.position.y } : (laidOut.get(node.id) ?? { x: 0, y: 0 }),
    data: { node },
    deletable: node.type !== 'start',
  }))

  const edges: FlowEdge[] = []
  for (const node of document.nodes) {
    for (const { handle, target } of connectionsOf(node)) {
      // A reference to a missing node has nothing to draw to; validation reports it.
      if (target === undefined || !ids.has(target)) continue
      edges.push({ id: edgeId(node.id, handle), source: node.id, sourceHandle: handle, target, label: edgeLabel(node, handle) })
    }
  }
  return { nodes, edges }
}

function edgeLabel(node: JourneyNode, handle: string): string | undefined {
  if (node.type !== 'branch') return undefined
  if (handle === DEFAULT) return 'default'
  const index = caseIndex(handle)
  return index === undefined ? undefined : node.cases?.[index]?.label
}

/**
 * Writes the canvas back into `document`: node positions from `nodes`, and each
 * handle's target from `edges`. A handle whose stored target is no node of the
 * document keeps it, so a reference to a missing node is preserved for validation
 * to report.
 */
export function fromFlow(document: JourneyDocument, nodes: FlowNode[], edges: FlowEdge[]): JourneyDocument {
  const positions = new Map(nodes.map((node) => [node.id, node.position]))
  const onCanvas = new Set(nodes.map((node) => node.id))
  const inDocument = new Set(document.nodes.map((node) => node.id))
  const targets = new Map(edges.map((edge) => [edgeId(edge.source, edge.sourceHandle ?? ''), edge.target]))

  const rebuilt = document.nodes
    .filter((node) => onCanvas.has(node.id))
    .map((node) => {
      let changed: JourneyNode = node
      for (const { handle, target } of connectionsOf(node)) {
        const drawn = targets.get(edgeId(node.id, handle))
        const dangling = target !== undefined && !inDocument.has(target)
        if (drawn !== target && !dangling) changed = withTarget(changed, handle, drawn)
      }
      const position = positions.get(node.id)
      if (position && (node.position?.x !== position.x || node.position?.y !== position.y)) {
        changed = { ...changed, position: { x: position.x, y: position.y } }
      }
      return changed
    })
  return { ...document, nodes: rebuilt }
}
