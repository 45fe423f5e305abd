// The Workflow tab's editor: the canvas with its palette, panels, validation,
// undo history and save. The document is the one source of truth, and the canvas
// is drawn from it on every change.
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
  type OnBeforeDelete,
  type OnDelete,
} from '@xyflow/react'
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import { getJson } from '../api/client'
import type { Registry } from '../api/registry'
import type { Journey, JourneyDocument, Problem } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { newNode, TYPE_NAMES, type PlaceableType } from '../graph/defaults'
import { addNode, canConnect, connect, deleteNode, disconnect, insertAfter, insertOnEdge, moveNode, replaceNode } from '../graph/edit'
import { fromFlow, toFlow, type FlowEdge, type FlowNode } from '../graph/flow'
import { canRedo, canUndo, createHistory, record, redo, undo, type History } from '../graph/history'
import { applyLayout } from '../graph/layout'
import { placeInserted, positionAfter } from '../graph/placement'
import { isFieldProblem, placeProblems, problemNodeId } from '../graph/problems'
import { isTextEntry } from '../graph/shortcuts'
import { fieldsEditKey } from '../settings/fieldEdits'
import { FieldsPanel } from './FieldsPanel'
import { JourneyNodeCard, type CardData } from './JourneyNodeCard'
import { NodePanel } from './NodePanel'
import { Palette } from './Palette'
import { ProblemsList } from './ProblemsList'
import { SaveDialog } from './SaveDialog'
import { Toolbar } from './Toolbar'
import { FIT_VIEW, NODE_SIZE, useCanvasView, type Sizes } from './useCanvasView'
import { useHistoryKeys } from './useHistoryKeys'
import { usePaletteDrop, type Drop } from './usePaletteDrop'
import { useLeaveWarning } from './useLeaveWarning'
import { useRunCounts } from './useRunCounts'
import { useValidation } from './useValidation'
import './workflow.css'

const NODE_TYPES: NodeTypes = Object.fromEntries(
  ['start', 'call', 'sms', 'time_delay', 'wait_until', 'branch', 'end'].map((type) => [type, JourneyNodeCard]),
)
// Long enough for a render and a ResizeObserver callback, and short enough to feel immediate.
const CENTRE_DELAY_MS = 50
const EDGE_OPTIONS = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } }

interface EditorProps {
  journey: Journey
  registry: Registry
  readOnly: boolean
  onSaved: () => void
}

type Panel = 'node' | 'fields' | null

/** Returns the document with every node placed, as the canvas shows it. */
function placed(document: JourneyDocument): JourneyDocument {
  const { nodes, edges } = toFlow(document)
  return fromFlow(document, nodes, edges)
}

export function WorkflowEditor({ journey, registry, readOnly, onSaved }: EditorProps) {
  const flow = useReactFlow<FlowNode, FlowEdge>()
  const [history, setHistory] = useState<History<JourneyDocument>>(() => createHistory(placed(journey.document)))
  const [baseline, setBaseline] = useState(() => JSON.stringify(placed(journey.document)))
  const [baseVersion, setBaseVersion] = useState(journey.current_version)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const [selectedEdgeId, setSelectedEdgeId] = useState<string | null>(null)
  const [panel, setPanel] = useState<Panel>(null)
  const [measured, setMeasured] = useState<Sizes>({})
  const [saving, setSaving] = useState(false)
  const [notice, setNotice] = useState<string>()
  const canvasRef = useRef<HTMLDivElement>(null)
  const centreOn = useCanvasView(panel !== null, measured)

  const document = history.present
  const dirty = useMemo(() => JSON.stringify(document) !== baseline, [document, baseline])
  const validation = useValidation(document)
  const placedProblems = useMemo(() => placeProblems(document, validation.problems), [document, validation.problems])
  const counts = useRunCounts(journey.id)
  useLeaveWarning(dirty)

  const change = useCallback(
    (update: (current: JourneyDocument) => JourneyDocument, key?: string) => {
      if (readOnly) return
      setHistory((current) => record(current, update(current.present), key))
      setNotice(undefined)
    },
    [readOnly],
  )

  // --- Canvas elements, drawn from the document ---

  const flowElements = useMemo(() => toFlow(document), [document])
  const nodes = useMemo<FlowNode[]>(
    () =>
      flowElements.nodes.map((node) => {
        const data: CardData = {
          node: node.data.node,
          problems: placedProblems.byNode.get(node.id)?.length ?? 0,
          onNow: counts.onNow ? (counts.onNow.get(node.id) ?? 0) : undefined,
        }
        const ariaLabel = `${TYPE_NAMES[data.node.type]} ${data.node.label || node.id}${data.problems ? `, ${data.problems} problem${data.problems === 1 ? '' : 's'}` : ''}`
        return { ...node, data, ariaLabel, selected: node.id === selectedId, measured: measured[node.id], draggable: !readOnly }
      }),
    [flowElements, placedProblems, counts.onNow, selectedId, measured, readOnly],
  )
  const edges = useMemo<FlowEdge[]>(
    () => flowElements.edges.map((edge) => ({ ...edge, selected: edge.id === selectedEdgeId, deletable: !readOnly })),
    [flowElements, selectedEdgeId, readOnly],
  )

  const selectNode = useCallback((nodeId: string | null) => {
    setSelectedId(nodeId)
    setSelectedEdgeId(null)
    setPanel(nodeId ? 'node' : null)
  }, [])

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const item of changes) {
        if (item.type === 'dimensions' && item.dimensions) {
          const size = item.dimensions
          setMeasured((current) => ({ ...current, [item.id]: { width: size.width, height: size.height } }))
        } else if (item.type === 'position' && item.position) {
          const position = item.position
          change((current) => moveNode(current, item.id, position), `move:${item.id}`)
        } else if (item.type === 'select') {
          if (item.selected) selectNode(item.id)
          else setSelectedId((current) => (current === item.id ? null : current))
        }
      }
    },
    [change, selectNode],
  )

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    for (const item of changes) {
      if (item.type !== 'select') continue
      if (item.selected) setSelectedEdgeId(item.id)
      else setSelectedEdgeId((current) => (current === item.id ? null : current))
    }
  }, [])

  const onConnect = useCallback(
    (connection: Connection) => {
      if (!connection.sourceHandle) return
      change((current) => connect(current, connection.source, connection.sourceHandle as string, connection.target))
    },
    [change],
  )

  const onReconnect = useCallback(
    (old: FlowEdge, connection: Connection) => {
      if (!connection.sourceHandle) return
      change((current) => {
        const detached = disconnect(current, old.source, old.sourceHandle ?? '')
        return connect(detached, connection.source, connection.sourceHandle as string, connection.target)
      })
    },
    [change],
  )

  const isValidConnection = useCallback(
    (connection: Connection | FlowEdge) => canConnect(document, connection.source, connection.target),
    [document],
  )

  const onBeforeDelete: OnBeforeDelete<FlowNode, FlowEdge> = useCallback(
    async ({ nodes: doomed, edges: cut }) => {
      if (readOnly) return false
      return { nodes: doomed.filter((node) => node.type !== 'start'), edges: cut }
    },
    [readOnly],
  )

  const onDelete: OnDelete<FlowNode, FlowEdge> = useCallback(
    ({ nodes: doomed, edges: cut }) => {
      const gone = new Set(doomed.map((node) => node.id))
      change((current) => {
        let next = current
        for (const node of doomed) next = deleteNode(next, node.id, { reconnect: true })
        for (const edge of cut) {
          if (!gone.has(edge.source) && !gone.has(edge.target)) next = disconnect(next, edge.source, edge.sourceHandle ?? '')
        }
        return next
      })
      if (selectedId && gone.has(selectedId)) selectNode(null)
      setSelectedEdgeId(null)
    },
    [change, selectedId, selectNode],
  )

  const deleteSelected = useCallback(() => {
    if (!selectedId) return
    change((current) => deleteNode(current, selectedId, { reconnect: true }))
    selectNode(null)
  }, [change, selectedId, selectNode])

  // --- Adding nodes ---

  const placeDropped = useCallback(
    ({ type, corner, edge }: Drop) => {
      if (readOnly) return
      const node = newNode(document, type, registry, corner, edge?.source)
      if (edge) {
        const ref = { source: edge.source, handle: edge.sourceHandle ?? '', target: edge.target }
        change((current) => placeInserted(insertOnEdge(current, ref, node), edge.source, node.id))
      } else change((current) => addNode(current, node))
      selectNode(node.id)
    },
    [document, registry, readOnly, change, selectNode],
  )
  const drop = usePaletteDrop(nodes, edges, measured, placeDropped)

  const addFromPalette = useCallback(
    (type: PlaceableType) => {
      const after = selectedId ? document.nodes.find((node) => node.id === selectedId) : undefined
      let position = after ? positionAfter(document, after.id) : undefined
      if (!position) {
        const box = canvasRef.current?.getBoundingClientRect()
        const centre = flow.screenToFlowPosition({ x: (box?.left ?? 0) + (box?.width ?? 0) / 2, y: (box?.top ?? 0) + (box?.height ?? 0) / 2 })
        position = { x: centre.x - NODE_SIZE.width / 2, y: centre.y - NODE_SIZE.height / 2 }
      }
      const node = newNode(document, type, registry, position, after?.id)
      change((current) => (after ? placeInserted(insertAfter(current, after.id, node), after.id, node.id) : addNode(current, node)))
      selectNode(node.id)
    },
    [selectedId, document, registry, flow, change, selectNode],
  )

  // --- History and layout ---

  const undoStep = useCallback(() => setHistory((current) => undo(current)), [])
  const redoStep = useCallback(() => setHistory((current) => redo(current)), [])

  useHistoryKeys(!readOnly, undoStep, redoStep)

  // A node that undo removed cannot stay selected.
  useEffect(() => {
    if (selectedId && !document.nodes.some((node) => node.id === selectedId)) selectNode(null)
  }, [document, selectedId, selectNode])

  const autoLayout = useCallback(() => {
    change((current) => applyLayout(current))
    window.setTimeout(() => void flow.fitView({ ...FIT_VIEW, duration: 300 }), 50)
  }, [change, flow])

  // --- Problems, panels and save ---

  const showProblem = useCallback(
    (problem: Problem) => {
      const nodeId = problemNodeId(document, problem)
      const node = document.nodes.find((candidate) => candidate.id === nodeId)
      if (node) {
        selectNode(node.id)
        // Centre once the side panel has opened and React Flow has measured the narrower canvas.
        window.setTimeout(() => centreOn(node), CENTRE_DELAY_MS)
      } else if (isFieldProblem(problem)) {
        selectNode(null)
        setPanel('fields')
      } else {
        setNotice(problem.message)
      }
    },
    [document, selectNode, centreOn],
  )

  const selected = selectedId ? document.nodes.find((node) => node.id === selectedId) : undefined

  const onCanvasKeyDown = (event: ReactKeyboardEvent) => {
    if ((event.key === 'Delete' || event.key === 'Backspace') && selected?.type === 'start' && !isTextEntry(event.target as HTMLElement)) {
      setNotice('The Start node cannot be deleted: every journey begins there.')
    }
  }

  const saved = (stored: Journey) => {
    const normalised = placed(stored.document)
    setHistory((current) => record(current, normalised))
    setBaseline(JSON.stringify(normalised))
    setBaseVersion(stored.current_version)
    setSaving(false)
    onSaved()
  }

  const reloadJourney = async () => {
    const stored = await getJson<Journey>(`/api/journeys/${journey.id}`)
    const normalised = placed(stored.document)
    setHistory(createHistory(normalised))
    setBaseline(JSON.stringify(normalised))
    setBaseVersion(stored.current_version)
    selectNode(null)
    setSaving(false)
    onSaved()
  }

  return (
    <section className="workflow" aria-label="Workflow">
      <Toolbar
        readOnly={readOnly}
        canUndo={canUndo(history)}
        canRedo={canRedo(history)}
        onUndo={undoStep}
        onRedo={redoStep}
        onLayout={autoLayout}
        fieldCount={document.fields.length}
        fieldsOpen={panel === 'fields'}
        onToggleFields={() => setPanel(panel === 'fields' ? null : 'fields')}
        runs={counts.runs}
        runId={counts.runId}
        onRunChange={counts.setRunId}
        dirty={dirty}
        version={journey.current_version}
        onSave={() => setSaving(true)}
      />
      {notice && (
        <p className="workflow-notice" role="status">
          {notice}
        </p>
      )}
      <ErrorNotice error={counts.runsError || counts.countsError} />
      <div className="workflow-body">
        <div className="workflow-side">
          {!readOnly && <Palette onAdd={addFromPalette} hasSelection={Boolean(selected)} />}
          <ProblemsList document={document} problems={validation.problems} checking={validation.checking} error={validation.error} onSelect={showProblem} />
        </div>
        <div className="workflow-canvas" ref={canvasRef} onKeyDown={onCanvasKeyDown}>
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            defaultEdgeOptions={EDGE_OPTIONS}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={onConnect}
            onReconnect={onReconnect}
            isValidConnection={isValidConnection}
            onBeforeDelete={onBeforeDelete}
            onDelete={onDelete}
            onDragOver={drop.onDragOver}
            onDrop={drop.onDrop}
            onPaneClick={() => selectNode(null)}
            nodesConnectable={!readOnly}
            nodesDraggable={!readOnly}
            edgesReconnectable={!readOnly}
            deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
            multiSelectionKeyCode={null}
            selectionKeyCode={null}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Overview of the whole workflow" />
          </ReactFlow>
        </div>
        {panel === 'node' && selected && (
          <NodePanel
            key={selected.id}
            node={selected}
            document={document}
            registry={registry}
            problems={placedProblems.byNode.get(selected.id) ?? []}
            readOnly={readOnly}
            onChange={(node) => {
              change((current) => replaceNode(current, selected.id, node), `node:${selected.id}`)
              if (node.id !== selected.id) setSelectedId(node.id)
            }}
            onDelete={deleteSelected}
            onClose={() => selectNode(null)}
          />
        )}
        {panel === 'fields' && (
          <FieldsPanel
            fields={document.fields}
            problems={validation.problems.filter(isFieldProblem)}
            readOnly={readOnly}
            onChange={(fields) => change((current) => ({ ...current, fields }), fieldsEditKey(document.fields, fields))}
            onClose={() => setPanel(null)}
          />
        )}
      </div>
      {saving && (
        <SaveDialog
          journeyId={journey.id}
          document={document}
          baseVersion={baseVersion}
          onSaved={saved}
          onProblems={validation.setProblems}
          onReload={reloadJourney}
          onClose={() => setSaving(false)}
        />
      )}
    </section>
  )
}
