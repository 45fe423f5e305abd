// The card of one node on the canvas: type icon, label, a summary of its
// settings, a problem badge, live counts, and its handles.
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react'
import { useEffect } from 'react'
import type { JourneyNode } from '../api/types'
import { TYPE_NAMES } from '../graph/defaults'
import type { FlowNode } from '../graph/flow'
import { nodeSummary } from '../graph/summary'
import { caseHandle, DEFAULT } from '../graph/targets'
import { formatCount } from '../format'
import { NodeIcon } from './icons'

/** The data of a canvas node: its document node, its problem count and its live count. */
export interface CardData extends Record<string, unknown> {
  node: JourneyNode
  problems: number
  onNow?: number
}

export function JourneyNodeCard({ id, data, selected }: NodeProps<FlowNode>) {
  const { node, problems, onNow } = data as CardData
  const updateNodeInternals = useUpdateNodeInternals()
  const handleKey = node.type === 'branch' ? (node.cases ?? []).map((branchCase) => branchCase.label).join('\u0000') : node.type

  // React Flow measures handles once; a branch that gains or loses a case must be measured again.
  useEffect(() => updateNodeInternals(id), [id, handleKey, updateNodeInternals])

  const title = node.label || node.id
  return (
    <div
      className={`journey-node type-${node.type}${selected ? ' is-selected' : ''}${problems > 0 ? ' has-problems' : ''}`}
      data-node-id={node.id}
    >
      {node.type !== 'start' && <Handle type="target" position={Position.Top} aria-label={`Into ${title}`} />}
      <div className="journey-node-head">
        <NodeIcon type={node.type} />
        <span className="journey-node-title">{title}</span>
        {problems > 0 && (
          <span className="problem-badge" title={`${problems} problem${problems === 1 ? '' : 's'}`} aria-label={`${problems} problem${problems === 1 ? '' : 's'}`}>
            {problems}
          </span>
        )}
      </div>
      <div className="journey-node-kind">
        {TYPE_NAMES[node.type]}
        {node.label ? ` · ${node.id}` : ''}
      </div>
      <div className="journey-node-summary">{nodeSummary(node)}</div>
      {onNow !== undefined && (
        <div className="journey-node-count" aria-label={`${onNow} recipient${onNow === 1 ? '' : 's'} here now`}>
          {formatCount(onNow)} here now
        </div>
      )}
      <SourceHandles node={node} />
    </div>
  )
}

function SourceHandles({ node }: { node: JourneyNode }) {
  if (node.type === 'end') return null
  if (node.type !== 'branch') return <Handle type="source" position={Position.Bottom} id="next" />

  const outs = [
    ...(node.cases ?? []).map((branchCase, index) => ({ id: caseHandle(index), label: branchCase.label || `Case ${index + 1}` })),
    { id: DEFAULT, label: 'default' },
  ]
  return (
    <div className="branch-outs">
      {outs.map((out) => (
        <div key={out.id} className={`branch-out${out.id === DEFAULT ? ' is-default' : ''}`}>
          <span className="branch-out-label">{out.label}</span>
          <Handle type="source" position={Position.Bottom} id={out.id} aria-label={`${out.label} of ${node.label || node.id}`} />
        </div>
      ))}
    </div>
  )
}
