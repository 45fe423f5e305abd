// The canvas position of a node added with the keyboard.
import type { JourneyDocument, Position } from '../api/types'
import { edgeAfter } from './edit'
import { COLUMN_WIDTH, LAYER_HEIGHT } from './layout'

/**
 * Returns a position for a node added after `afterId`: beside the middle of the
 * edge it is inserted into, so that it covers neither end, or one layer below
 * `afterId` when there is no such edge. Undefined when `afterId` has no position.
 */
export function positionAfter(document: JourneyDocument, afterId: string): Position | undefined {
  const after = document.nodes.find((node) => node.id === afterId)
  if (!after?.position) return undefined

  const edge = edgeAfter(document, afterId)
  const target = edge ? document.nodes.find((node) => node.id === edge.target) : undefined
  if (!target?.position) return { x: after.position.x, y: after.position.y + LAYER_HEIGHT }

  return {
    x: (after.position.x + target.position.x) / 2 + COLUMN_WIDTH / 2,
    y: (after.position.y + target.position.y) / 2,
  }
}
