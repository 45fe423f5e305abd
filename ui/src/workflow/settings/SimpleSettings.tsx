// The panels of the node types with few settings: start, sms, time_delay and end.
import { Field } from '../../components/Field'
import type { Registry } from '../../api/registry'
import type { JourneyNode } from '../../api/types'
import type { TemplateName } from '../../settings/autocomplete'
import { positiveIntegerProblem } from '../../settings/waits'
import { joinErrors, NumberSetting, RadioGroup } from './controls'
import { numberOptions } from './registryOptions'
import { RegistrySelect } from './RegistrySelect'
import { TemplateEditor } from './TemplateEditor'

interface PanelProps {
  node: JourneyNode
  messages: (setting: string) => string[]
  set: (changes: Record<string, unknown>) => void
}

export function StartSettings({ node, messages, set }: PanelProps) {
  return (
    <RadioGroup
      legend="Who starts"
      name={`${node.id}-trigger`}
      value={node.trigger === 'api' ? 'api' : 'run'}
      options={[
        { value: 'run', label: 'Everyone in the run', hint: 'Every recipient imported into a run starts when the run starts.' },
        {
          value: 'api',
          label: 'Recipients added over the API',
          hint: 'Recipients added to a running run start at once, so the run stays open for new ones.',
        },
      ]}
      problems={messages('trigger')}
      onChange={(value) => set({ trigger: value === 'run' ? undefined : value })}
    />
  )
}

export function SmsSettings({ node, registry, names, messages, set }: PanelProps & { registry: Registry; names: TemplateName[] }) {
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
      <TemplateEditor
        label="Message"
        value={typeof node.message === 'string' ? node.message : ''}
        names={names}
        problems={messages('message')}
        onChange={(value) => set({ message: value })}
        countSegments
        rows={6}
        hint="Plain text. Type {{ to insert a field or an earlier node's output."
      />
    </>
  )
}

const UNITS = ['minutes', 'hours', 'days'] as const

export function TimeDelaySettings({ node, messages, set }: PanelProps) {
  return (
    <div className="inline-fields">
      <NumberSetting
        label="Wait for"
        value={node.amount}
        problems={messages('amount')}
        check={positiveIntegerProblem}
        onChange={(value) => set({ amount: value })}
      />
      <Field label="Unit" error={joinErrors(undefined, messages('unit'))}>
        {(props) => (
          <select {...props} value={typeof node.unit === 'string' ? node.unit : ''} onChange={(event) => set({ unit: event.target.value || undefined })}>
            {!UNITS.includes(node.unit as (typeof UNITS)[number]) && <option value="">Choose a unit</option>}
            {UNITS.map((unit) => (
              <option key={unit} value={unit}>
                {unit}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  )
}

export function EndSettings({ node, messages, set }: PanelProps) {
  return (
    <Field
      label="Result"
      hint="A label recorded for recipients who finish here, such as contacted or unreachable."
      error={joinErrors(undefined, messages('result'))}
    >
      {(props) => (
        <input {...props} value={typeof node.result === 'string' ? node.result : ''} onChange={(event) => set({ result: event.target.value || undefined })} />
      )}
    </Field>
  )
}
