// The canvas position of a node inserted after another, and room made for it.
import type { JourneyDocument, Position } from '../api/types'
import { edgeAfter } from './edit'
import { LAYER_HEIGHT } from './layout'

/**
 * Returns a position for a node added after `afterId`, one layer below it. The node
 * goes in the column of the node that the inserted edge leads to, so the chain stays
 * in line, else in `afterId`'s column. Undefined when `afterId` has no position.
 */
export function positionAfter(document: JourneyDocument, afterId: string): Position | undefined {
  const after = document.nodes.find((node) => node.id === afterId)
  if (!after?.position) return undefined

  const edge = edgeAfter(document, afterId)
  const target = edge ? document.nodes.find((node) => node.id === edge.target) : undefined
  return { x: target?.position?.x ?? after.position.x, y: after.position.y + LAYER_HEIGHT }
}

/**
 * Places `nodeId`, just inserted after `afterId`, one layer below it, and moves every
 * other node lower than `afterId` down by one layer (a node's height plus the gap
 * the layout leaves), so the new node covers none of them. The document is returned
 * unchanged when either node is missing or `afterId` has no position.
 */
export function placeInserted(document: JourneyDocument, afterId: string, nodeId: string): JourneyDocument {
  const after = document.nodes.find((node) => node.id === afterId)
  if (!after?.position || !document.nodes.some((node) => node.id === nodeId)) return document

  // After the insertion the old target follows the new node, so look it up from there.
  const next = edgeAfter(document, nodeId)
  const target = next ? document.nodes.find((node) => node.id === next.target) : undefined
  const placed = { x: target?.position?.x ?? after.position.x, y: after.position.y + LAYER_HEIGHT }
  const top = after.position.y

  const nodes = document.nodes.map((node) => {
    if (node.id === nodeId) return { ...node, position: placed }
    if (node.id === afterId || !node.position || node.position.y <= top) return node
    return { ...node, position: { x: node.position.x, y: node.position.y + LAYER_HEIGHT } }
  })
  return { ...document, nodes }
}
