import { useReactFlow } from '@xyflow/react'
import { useCallback, type DragEvent } from 'react'
import type { Position } from '../api/types'
import type { PlaceableType } from '../graph/defaults'
import { edgeNearPoint } from '../graph/edgeHit'
import type { FlowEdge, FlowNode } from '../graph/flow'
import { NODE_TYPE_MIME } from './Palette'
import { NODE_SIZE, type Sizes } from './useCanvasView'

// How far from a straight line between two node centres a drop still counts as on that edge, in screen pixels.
const EDGE_TOLERANCE_PX = 16

/** A palette item dropped on the canvas: its node type, the new node's corner, and the edge under the pointer if any. */
export interface Drop {
  type: PlaceableType
  corner: Position
  edge: FlowEdge | undefined
}

/**
 * Handles palette items dragged onto the canvas. The edge under the pointer is
 * the one whose element the browser finds there, else the nearest straight line
 * between node centres, because a drop a little beside a curve is still meant for it.
 */
export function usePaletteDrop(nodes: FlowNode[], edges: FlowEdge[], sizes: Sizes, onDrop: (drop: Drop) => void) {
  const flow = useReactFlow<FlowNode, FlowEdge>()

  const edgeAt = useCallback(
    (clientX: number, clientY: number, point: Position): FlowEdge | undefined => {
      const hitId = document
        .elementsFromPoint(clientX, clientY)
        .map((element) => element.closest('.react-flow__edge')?.getAttribute('data-id'))
        .find((id) => id)
      if (hitId) return edges.find((edge) => edge.id === hitId)

      const centres = new Map(
        nodes.map((node) => {
          const size = sizes[node.id] ?? NODE_SIZE
          return [node.id, { x: node.position.x + size.width / 2, y: node.position.y + size.height / 2 }]
        }),
      )
      const segments = edges.flatMap((edge) => {
        const from = centres.get(edge.source)
        const to = centres.get(edge.target)
        return from && to ? [{ id: edge.id, from, to }] : []
      })
      const nearId = edgeNearPoint(point, segments, EDGE_TOLERANCE_PX / flow.getZoom())
      return edges.find((edge) => edge.id === nearId)
    },
    [edges, nodes, sizes, flow],
  )

  const handleDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_TYPE_MIME)) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'move'
  }, [])

  const handleDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(NODE_TYPE_MIME) as PlaceableType
      if (!type) return
      event.preventDefault()

      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY })
      const corner = { x: point.x - NODE_SIZE.width / 2, y: point.y - NODE_SIZE.height / 2 }
      onDrop({ type, corner, edge: edgeAt(event.clientX, event.clientY, point) })
    },
    [flow, edgeAt, onDrop],
  )

  return { onDragOver: handleDragOver, onDrop: handleDrop }
}
