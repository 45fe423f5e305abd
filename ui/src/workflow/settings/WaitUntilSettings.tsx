import { Field } from '../../components/Field'
import type { JourneyDocument, JourneyNode } from '../../api/types'
import { browserTimeZone } from '../../settings/timezones'
import { hasUtcOffset, localInputValue, offsetProblem, WEEKDAYS, type Weekday } from '../../settings/waits'
import { joinErrors, Problems, RadioGroup, TimeZoneSelect } from './controls'

type Mode = 'at' | 'field' | 'window'

interface PanelProps {
  node: JourneyNode
  document: JourneyDocument
  messages: (setting: string) => string[]
  set: (changes: Record<string, unknown>) => void
}

interface Window {
  days?: Weekday[]
  start?: string
  end?: string
  [key: string]: unknown
}

const DAY_NAMES: Record<Weekday, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' }
const RECIPIENT_ZONE = "The recipient's time zone"

export function WaitUntilSettings({ node, document, messages, set }: PanelProps) {
  const mode = modeOf(node)

  function switchTo(next: Mode) {
    const cleared = { at: undefined, field: undefined, time: undefined, offset: undefined, window: undefined }
    if (next === 'at') set({ ...cleared, at: '', timezone: node.timezone ?? browserTimeZone() })
    if (next === 'field') set({ ...cleared, field: dateFields(document)[0] ?? '' })
    if (next === 'window') set({ ...cleared, window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } })
  }

  return (
    <>
      <RadioGroup
        legend="Wait until"
        name={`${node.id}-mode`}
        value={mode}
        options={[
          { value: 'at', label: 'A fixed time' },
          { value: 'field', label: 'A date from a data field' },
          { value: 'window', label: 'A time window' },
        ]}
        onChange={switchTo}
      />
      {mode === 'at' && <AtSettings node={node} messages={messages} set={set} />}
      {mode === 'field' && <FieldSettings node={node} document={document} messages={messages} set={set} />}
      {mode === 'window' && <WindowSettings node={node} messages={messages} set={set} />}
      {mode !== 'window' && (
        <RadioGroup
          legend="If that time has passed"
          name={`${node.id}-if-past`}
          value={node.if_past === 'fail' ? 'fail' : 'continue'}
          options={[
            { value: 'continue', label: 'Continue at once' },
            { value: 'fail', label: 'Fail the recipient' },
          ]}
          problems={messages('if_past')}
          onChange={(value) => set({ if_past: value === 'continue' ? undefined : value })}
        />
      )}
    </>
  )
}

function AtSettings({ node, messages, set }: Omit<PanelProps, 'document'>) {
  const offset = hasUtcOffset(node.at)
  return (
    <>
      <Field
        label="Date and time"
        hint={offset ? `Stored as ${String(node.at)}; choosing a time here makes it local to the time zone below.` : undefined}
        error={joinErrors(undefined, messages('at'))}
      >
        {(props) => (
          <input
            {...props}
            type="datetime-local"
            value={localInputValue(node.at)}
            onChange={(event) => set({ at: event.target.value ? `${event.target.value}:00` : '' })}
          />
        )}
      </Field>
      <TimeZoneSelect label="Time zone" value={stringOf(node.timezone)} problems={messages('timezone')} onChange={(zone) => set({ timezone: zone })} />
    </>
  )
}

function FieldSettings({ node, document, messages, set }: PanelProps) {
  const fields = dateFields(document)
  const current = stringOf(node.field) ?? ''
  const offsetText = stringOf(node.offset) ?? ''
  return (
    <>
      <Field
        label="Date field"
        hint={fields.length === 0 ? 'Add a date or datetime field to the journey first.' : undefined}
        error={joinErrors(undefined, messages('field'))}
      >
        {(props) => (
          <select {...props} value={current} onChange={(event) => set({ field: event.target.value })}>
            {!fields.includes(current) && <option value={current}>{current ? `${current} (not a date field)` : 'Choose a field'}</option>}
            {fields.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Time of day" hint="Empty keeps a datetime's own time, or 09:00 for a date." error={joinErrors(undefined, messages('time'))}>
        {(props) => <input {...props} type="time" value={stringOf(node.time) ?? ''} onChange={(event) => set({ time: event.target.value || undefined })} />}
      </Field>
      <Field
        label="Offset"
        hint="Optional, such as -1 day or +2 hours."
        error={joinErrors(offsetText ? offsetProblem(offsetText) : undefined, messages('offset'))}
      >
        {(props) => <input {...props} value={offsetText} placeholder="-1 day" onChange={(event) => set({ offset: event.target.value || undefined })} />}
      </Field>
      <TimeZoneSelect
        label="Time zone"
        value={stringOf(node.timezone)}
        emptyLabel={RECIPIENT_ZONE}
        problems={messages('timezone')}
        onChange={(zone) => set({ timezone: zone })}
      />
    </>
  )
}

function WindowSettings({ node, messages, set }: Omit<PanelProps, 'document'>) {
  const window: Window = typeof node.window === 'object' && node.window !== null ? (node.window as Window) : {}
  const days = window.days ?? [...WEEKDAYS]

  function change(changes: Partial<Window>) {
    set({ window: { ...window, ...changes } })
  }

  function toggle(day: Weekday, on: boolean) {
    const chosen = on ? [...days, day] : days.filter((found) => found !== day)
    change({ days: WEEKDAYS.filter((weekday) => chosen.includes(weekday)) })
  }

  return (
    <>
      <fieldset className="weekdays">
        <legend>Days</legend>
        {WEEKDAYS.map((day) => (
          <label key={day} className="checkbox">
            <input type="checkbox" checked={days.includes(day)} onChange={(event) => toggle(day, event.target.checked)} />
            {DAY_NAMES[day]}
          </label>
        ))}
        <Problems messages={messages('window.days')} />
      </fieldset>
      <div className="inline-fields">
        <Field label="From" error={joinErrors(undefined, messages('window.start'))}>
          {(props) => <input {...props} type="time" value={window.start ?? ''} onChange={(event) => change({ start: event.target.value })} />}
        </Field>
        <Field label="Until" error={joinErrors(undefined, messages('window.end'))}>
          {(props) => <input {...props} type="time" value={window.end ?? ''} onChange={(event) => change({ end: event.target.value })} />}
        </Field>
      </div>
      <Problems
        messages={messages('window').filter((message) => ![...messages('window.days'), ...messages('window.start'), ...messages('window.end')].includes(message))}
      />
      <TimeZoneSelect
        label="Time zone"
        value={stringOf(node.timezone)}
        emptyLabel={RECIPIENT_ZONE}
        hint="Without a zone, every zone of the recipient's number must be inside the window."
        problems={messages('timezone')}
        onChange={(zone) => set({ timezone: zone })}
      />
    </>
  )
}

function modeOf(node: JourneyNode): Mode | undefined {
  if (node.window !== undefined && node.window !== null) return 'window'
  if (node.field !== undefined && node.field !== null) return 'field'
  if (node.at !== undefined && node.at !== null) return 'at'
  return undefined
}

function dateFields(document: JourneyDocument): string[] {
  return document.fields.filter((field) => field.type === 'date' || field.type === 'datetime').map((field) => field.name)
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
