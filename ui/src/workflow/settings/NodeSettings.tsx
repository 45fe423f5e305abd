import type { Registry } from '../../api/registry'
import type { JourneyDocument, JourneyNode, NodeType, Problem } from '../../api/types'
import { templateNames } from '../../settings/autocomplete'
import { withSettings } from '../../settings/nodes'
import { messagesAt, messagesExactlyAt, unplacedProblems } from '../../settings/problems'
import { listSubjects } from '../../settings/subjects'
import { BranchSettings } from './BranchSettings'
import { CallSettings } from './CallSettings'
import { Problems } from './controls'
import { EndSettings, SmsSettings, StartSettings, TimeDelaySettings } from './SimpleSettings'
import { WaitUntilSettings } from './WaitUntilSettings'
import './settings.css'

export interface NodeSettingsProps {
  node: JourneyNode
  document: JourneyDocument
  registry: Registry
  problems: Problem[]
  readOnly: boolean
  onChange: (node: JourneyNode) => void
}

const TITLES: Record<NodeType, string> = {
  start: 'Start',
  call: 'Call',
  sms: 'SMS',
  time_delay: 'Delay',
  wait_until: 'Wait until',
  branch: 'Branch',
  end: 'End',
}

// The settings each panel shows next to a control. Problems elsewhere go to the top.
const SHOWN_SETTINGS: Record<NodeType, string[]> = {
  start: ['trigger'],
  call: ['from_number', 'agent', 'variables', 'ring_timeout_seconds', 'max_duration_seconds', 'voicemail', 'voicemail_message'],
  sms: ['from_number', 'message'],
  time_delay: ['amount', 'unit'],
  wait_until: ['at', 'field', 'time', 'offset', 'window', 'timezone', 'if_past'],
  branch: ['cases', 'default'],
  end: ['result'],
}

/**
 * The settings of one node, with its validation problems beside the controls. The
 * node's label and id belong to the panel around it. Problems about them, or about
 * settings that no control shows, are listed at the top.
 */
export function NodeSettings({ node, document, registry, problems, readOnly, onChange }: NodeSettingsProps) {
  const shown = ['label', ...(SHOWN_SETTINGS[node.type] ?? [])]
  const top = unplacedProblems(problems, shown)
  const messages = (setting: string) => messagesAt(problems, setting)
  const exactly = (path: string, keys?: string[]) => messagesExactlyAt(problems, path, keys)
  const set = (changes: Record<string, unknown>) => onChange(withSettings(node, changes))

  return (
    <section className="node-settings" aria-label={`${TITLES[node.type] ?? node.type} settings`}>
      <Problems messages={top.map((problem) => problem.message)} />
      {/* A disabled fieldset disables every control inside it, which is what viewers get. */}
      <fieldset className="settings-body" disabled={readOnly}>
        <legend className="visually-hidden">{TITLES[node.type] ?? node.type} settings</legend>
        <Panel node={node} document={document} registry={registry} readOnly={readOnly} messages={messages} exactly={exactly} set={set} />
      </fieldset>
    </section>
  )
}

interface PanelProps {
  node: JourneyNode
  document: JourneyDocument
  registry: Registry
  readOnly: boolean
  messages: (setting: string) => string[]
  exactly: (path: string, keys?: string[]) => string[]
  set: (changes: Record<string, unknown>) => void
}

function Panel({ node, document, registry, readOnly, messages, exactly, set }: PanelProps) {
  switch (node.type) {
    case 'start':
      return <StartSettings node={node} messages={messages} set={set} />
    case 'call':
      return <CallSettings node={node} registry={registry} names={templateNames(document, node.id)} readOnly={readOnly} messages={messages} set={set} />
    case 'sms':
      return <SmsSettings node={node} registry={registry} names={templateNames(document, node.id)} messages={messages} set={set} />
    case 'time_delay':
      return <TimeDelaySettings node={node} messages={messages} set={set} />
    case 'wait_until':
      return <WaitUntilSettings node={node} document={document} messages={messages} set={set} />
    case 'branch':
      return (
        <BranchSettings
          node={node}
          document={document}
          subjects={listSubjects(document, node.id)}
          readOnly={readOnly}
          messages={messages}
          messagesAt={exactly}
          set={set}
        />
      )
    case 'end':
      return <EndSettings node={node} messages={messages} set={set} />
    default:
      return <p className="hint">This node type has no settings panel.</p>
  }
}
