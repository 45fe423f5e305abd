// The side panel of the selected node: its label, its settings and deletion.
import type { Registry } from '../api/registry'
import type { JourneyDocument, JourneyNode, Problem } from '../api/types'
import { Field } from '../components/Field'
import { TYPE_NAMES } from '../graph/defaults'
import { NodeIcon } from './icons'
import { NodeSettings } from './settings/NodeSettings'

interface NodePanelProps {
  node: JourneyNode
  document: JourneyDocument
  registry: Registry
  problems: Problem[]
  readOnly: boolean
  onChange: (node: JourneyNode) => void
  onDelete: () => void
  onClose: () => void
}

export function NodePanel({ node, document, registry, problems, readOnly, onChange, onDelete, onClose }: NodePanelProps) {
  return (
    <aside className="side-panel" aria-labelledby="node-panel-title">
      <header className="side-panel-head">
        <NodeIcon type={node.type} size={20} />
        <h2 id="node-panel-title">
          {TYPE_NAMES[node.type]} <code>{node.id}</code>
        </h2>
        <button type="button" className="close" onClick={onClose} aria-label="Close the node panel">
          ×
        </button>
      </header>
      <Field label="Label" hint="Shown on the canvas and in statistics; the id stays as it is.">
        {(props) => (
          <input
            {...props}
            type="text"
            value={node.label ?? ''}
            readOnly={readOnly}
            maxLength={200}
            onChange={(event) => {
              const { label: _, ...rest } = node
              onChange(event.target.value ? { ...rest, label: event.target.value } : (rest as JourneyNode))
            }}
          />
        )}
      </Field>
      <NodeSettings node={node} document={document} registry={registry} problems={problems} readOnly={readOnly} onChange={onChange} />
      {!readOnly && node.type !== 'start' && (
        <button type="button" className="danger delete-node" onClick={onDelete}>
          Delete node
        </button>
      )}
    </aside>
  )
}
