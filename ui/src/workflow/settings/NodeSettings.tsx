import type { Registry } from '../../api/registry'
import type { JourneyDocument, JourneyNode, Problem } from '../../api/types'

export interface NodeSettingsProps {
  node: JourneyNode
  document: JourneyDocument
  registry: Registry
  problems: Problem[]
  readOnly: boolean
  onChange: (node: JourneyNode) => void
}

// TODO: replace with the settings panel of each node type.
export function NodeSettings({ node }: NodeSettingsProps) {
  return <div className="node-settings">{node.type}</div>
}
