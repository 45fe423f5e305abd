// Finding the edge under a drop point, by distance to the straight line between
// the centres of its two nodes. The drawn edges are curves, so this is the
// fallback when the browser finds no edge element under the pointer.
import type { Position } from '../api/types'

export interface EdgeSegment {
  id: string
  from: Position
  to: Position
}

export function distanceToSegment(point: Position, from: Position, to: Position): number {
  const dx = to.x - from.x
  const dy = to.y - from.y
  const lengthSquared = dx * dx + dy * dy
  const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, ((point.x - from.x) * dx + (point.y - from.y) * dy) / lengthSquared))
  return Math.hypot(point.x - (from.x + t * dx), point.y - (from.y + t * dy))
}

/** Returns the id of the nearest edge within `tolerance` of `point`, or undefined. */
export function edgeNearPoint(point: Position, edges: EdgeSegment[], tolerance: number): string | undefined {
  let best: { id: string; distance: number } | undefined
  for (const edge of edges) {
    const distance = distanceToSegment(point, edge.from, edge.to)
    if (distance <= tolerance && (!best || distance < best.distance)) best = { id: edge.id, distance }
  }
  return best?.id
}
