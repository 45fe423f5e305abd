import { useId } from 'react'
import type { Registry } from '../../api/registry'
import type { JourneyNode } from '../../api/types'
import type { TemplateName } from '../../settings/autocomplete'
import { renameKey } from '../../settings/nodes'
import { boundedIntegerProblem } from '../../settings/waits'
import { NumberSetting, Problems, RadioGroup } from './controls'
import { numberOptions, agentOptions } from './registryOptions'
import { RegistrySelect } from './RegistrySelect'
import { TemplateEditor } from './TemplateEditor'

interface PanelProps {
  node: JourneyNode
  registry: Registry
  names: TemplateName[]
  readOnly: boolean
  messages: (setting: string) => string[]
  set: (changes: Record<string, unknown>) => void
}

export function CallSettings({ node, registry, names, readOnly, messages, set }: PanelProps) {
  return (
    <>
      <RegistrySelect
        label="Sender number"
        value={node.from_number}
        options={numberOptions(registry)}
        noun="sender number"
        problems={messages('from_number')}
        onChange={(value) => set({ from_number: value })}
      />
      <RegistrySelect
        label="Agent"
        value={node.agent}
        options={agentOptions(registry)}
        noun="agent"
        problems={messages('agent')}
        onChange={(value) => set({ agent: value })}
      />
      <Variables node={node} names={names} readOnly={readOnly} messages={messages} set={set} />
      <NumberSetting
        label="Ring timeout (seconds)"
        value={node.ring_timeout_seconds}
        hint="How long the phone rings before the call counts as no answer. Empty means 30; 5 to 120."
        problems={messages('ring_timeout_seconds')}
        check={(text) => boundedIntegerProblem(text, 5, 120)}
        onChange={(value) => set({ ring_timeout_seconds: value })}
      />
      <NumberSetting
        label="Maximum duration (seconds)"
        value={node.max_duration_seconds}
        hint="The call is ended after this long. Empty means 600; 10 to 14,400."
        problems={messages('max_duration_seconds')}
        check={(text) => boundedIntegerProblem(text, 10, 4 * 3600)}
        onChange={(value) => set({ max_duration_seconds: value })}
      />
      <RadioGroup
        legend="When voicemail answers"
        name={`${node.id}-voicemail`}
        value={node.voicemail === 'leave_message' ? 'leave_message' : 'hang_up'}
        options={[
          { value: 'hang_up', label: 'Hang up' },
          { value: 'leave_message', label: 'Leave a message' },
        ]}
        problems={messages('voicemail')}
        onChange={(value) => set(value === 'hang_up' ? { voicemail: undefined, voicemail_message: undefined } : { voicemail: value })}
      />
      {node.voicemail === 'leave_message' && (
        <TemplateEditor
          label="Voicemail message"
          value={typeof node.voicemail_message === 'string' ? node.voicemail_message : ''}
          names={names}
          problems={messages('voicemail_message')}
          onChange={(value) => set({ voicemail_message: value || undefined })}
          hint="Spoken after the beep. Type {{ to insert a field."
        />
      )}
    </>
  )
}

function Variables({ node, names, readOnly, messages, set }: Omit<PanelProps, 'registry'>) {
  const headingId = useId()
  const variables = isStringMap(node.variables) ? node.variables : undefined
  const entries = Object.entries(variables ?? {})

  function change(next: Record<string, string>) {
    set({ variables: next })
  }

  return (
    <section className="settings-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Variables for the agent</h3>
      {variables === undefined ? (
        <p className="hint">Every data field is passed to the agent by its name.</p>
      ) : entries.length === 0 ? (
        <p className="hint">No variables are passed to the agent.</p>
      ) : null}
      {entries.map(([name, template], index) => (
        <div key={index} className="variable-row">
          <label className="field">
            <span>Variable {index + 1} name</span>
            <input
              value={name}
              onChange={(event) => change(renameKey(variables ?? {}, name, event.target.value))}
              aria-invalid={messages(`variables.${name}`).length > 0}
            />
          </label>
          <TemplateEditor
            label={`Variable ${index + 1} value`}
            value={template}
            rows={1}
            names={names}
            problems={messages(`variables.${name}`)}
            onChange={(value) => change({ ...variables, [name]: value })}
          />
          {!readOnly && (
            <button type="button" className="small" onClick={() => change(Object.fromEntries(entries.filter(([key]) => key !== name)))}>
              Remove variable {index + 1}
            </button>
          )}
        </div>
      ))}
      <Problems messages={messages('variables').filter((message) => !entries.some(([name]) => message.startsWith(`variables.${name}:`)))} />
      {!readOnly && (
        <div className="button-row">
          <button type="button" onClick={() => change({ ...variables, [freshName(variables ?? {})]: '' })}>
            Add variable
          </button>
          {variables !== undefined && (
            <button type="button" onClick={() => set({ variables: undefined })}>
              Pass every data field instead
            </button>
          )}
        </div>
      )}
    </section>
  )
}

function freshName(variables: Record<string, string>): string {
  let index = Object.keys(variables).length + 1
  while (`variable_${index}` in variables) index += 1
  return `variable_${index}`
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
