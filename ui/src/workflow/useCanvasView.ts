import { useNodesInitialized, useReactFlow } from '@xyflow/react'
import { useCallback, useEffect, useRef } from 'react'
import type { JourneyNode } from '../api/types'
import type { FlowEdge, FlowNode } from '../graph/flow'

export const FIT_VIEW = { padding: 0.1, maxZoom: 1 }
// The width of .side-panel in workflow.css.
export const PANEL_WIDTH = 340
// Used before React Flow has measured a node, to centre a node on a point.
export const NODE_SIZE = { width: 220, height: 90 }

export type Sizes = Record<string, { width: number; height: number }>

/**
 * Keeps the canvas view useful: fits the whole journey once every node is
 * measured, keeps the middle in the middle when the side panel opens or closes,
 * and returns a function that centres the view on one node.
 */
export function useCanvasView(panelOpen: boolean, sizes: Sizes): (node: JourneyNode) => void {
  const flow = useReactFlow<FlowNode, FlowEdge>()

  // React Flow's own fitView prop can fire after the first node is measured and
  // frame that node alone.
  const nodesInitialized = useNodesInitialized()
  const fitted = useRef(false)
  useEffect(() => {
    if (!nodesInitialized || fitted.current) return
    fitted.current = true
    void flow.fitView(FIT_VIEW)
  }, [nodesInitialized, flow])

  // The side panel narrows the canvas from the right, so the view moves by half its width.
  const panelWasOpen = useRef(panelOpen)
  useEffect(() => {
    if (panelWasOpen.current === panelOpen) return
    panelWasOpen.current = panelOpen
    const viewport = flow.getViewport()
    const shift = (panelOpen ? -PANEL_WIDTH : PANEL_WIDTH) / 2
    void flow.setViewport({ ...viewport, x: viewport.x + shift })
  }, [panelOpen, flow])

  return useCallback(
    (node: JourneyNode) => {
      const size = sizes[node.id] ?? NODE_SIZE
      const position = node.position ?? { x: 0, y: 0 }
      void flow.setCenter(position.x + size.width / 2, position.y + size.height / 2, { zoom: flow.getZoom(), duration: 300 })
    },
    [flow, sizes],
  )
}
