import { useMemo, useState, type FormEvent } from 'react'
import { ApiError, sendJson } from '../api/client'
import { Dialog } from '../components/Dialog'
import { ErrorNotice, fieldError } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { CALL_OUTCOMES, PROVIDERS, WEEKDAYS, defaultRunForm, formProblems, runCreateBody, type CallOutcome, type Provider, type RunForm } from './runForm'
import type { Run } from './runTypes'
import { browserTimeZone, timeZoneList } from './schedule'

const FORM_ID = 'new-run-form'
const DAY_LABELS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

export function NewRunDialog({ journeyId, onClose, onCreated }: { journeyId: number; onClose: () => void; onCreated: (run: Run) => void }) {
  const [form, setForm] = useState<RunForm>(() => defaultRunForm(browserTimeZone()))
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const zones = useMemo(() => timeZoneList([form.timezone]), [form.timezone])

  const update = (change: Partial<RunForm>) => setForm((current) => ({ ...current, ...change }))
  const errorFor = (field: string) => fieldError(error, field)

  async function create(event: FormEvent) {
    event.preventDefault()
    const problems = Object.entries(formProblems(form)).map(([path, message]) => ({ path, message }))
    if (problems.length > 0) {
      setError(new ApiError(422, 'invalid_form', problems[0].message, problems))
      return
    }
    setBusy(true)
    try {
      onCreated(await sendJson<Run>('POST', `/api/journeys/${journeyId}/runs`, runCreateBody(form)))
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  function toggleDay(day: number) {
    update({ days: form.days.includes(day) ? form.days.filter((item) => item !== day) : [...form.days, day] })
  }

  return (
    <Dialog
      title="New run"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={FORM_ID} className="primary" disabled={busy || !form.name.trim()}>
            Create draft
          </button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={create} className="new-run-form">
        <Field label="Run name" error={errorFor('name')}>
          {(props) => <input {...props} value={form.name} onChange={(e) => update({ name: e.target.value })} maxLength={200} autoFocus required />}
        </Field>

        <fieldset>
          <legend>Calling window</legend>
          <label className="inline">
            <input type="checkbox" checked={!form.useWindow} onChange={(e) => update({ useWindow: !e.target.checked })} /> No calling window
          </label>
          {form.useWindow && (
            <>
              <div className="day-picker" role="group" aria-label="Calling days">
                {WEEKDAYS.map((name, day) => (
                  <label key={name} className="inline">
                    <input type="checkbox" checked={form.days.includes(day)} onChange={() => toggleDay(day)} /> {DAY_LABELS[day]}
                  </label>
                ))}
              </div>
              <div className="field-row">
                <Field label="From">{(props) => <input {...props} type="time" value={form.start} onChange={(e) => update({ start: e.target.value })} />}</Field>
                <Field label="Until">{(props) => <input {...props} type="time" value={form.end} onChange={(e) => update({ end: e.target.value })} />}</Field>
              </div>
              <small className="hint">In each recipient's local time.</small>
            </>
          )}
          {errorFor('calling_window') && (
            <p className="field-error" role="alert">
              {errorFor('calling_window')}
            </p>
          )}
        </fieldset>

        <div className="field-row">
          <Field label="Default time zone" hint="For numbers whose zone is unknown or ambiguous." error={errorFor('default_timezone')}>
            {(props) => (
              <select {...props} value={form.timezone} onChange={(e) => update({ timezone: e.target.value })}>
                {zones.map((zone) => (
                  <option key={zone}>{zone}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Max concurrent calls" error={errorFor('max_concurrent_calls')}>
            {(props) => (
              <input {...props} type="number" value={form.maxConcurrentCalls} onChange={(e) => update({ maxConcurrentCalls: e.target.value })} />
            )}
          </Field>
        </div>

        <Field label="Provider" error={errorFor('provider')}>
          {(props) => (
            <select {...props} value={form.provider} onChange={(e) => update({ provider: e.target.value as Provider })}>
              {PROVIDERS.map((provider) => (
                <option key={provider}>{provider}</option>
              ))}
            </select>
          )}
        </Field>

        {form.provider === 'simulator' && <SimulatorSettings form={form} update={update} error={error} />}
        {!(errorFor('name') || errorFor('calling_window') || errorFor('default_timezone') || errorFor('max_concurrent_calls') || errorFor('provider') || simulatorError(error)) && (
          <ErrorNotice error={error} />
        )}
      </form>
    </Dialog>
  )
}

function simulatorError(error: unknown): string | undefined {
  return fieldError(error, 'outcomes') ?? fieldError(error, 'seed') ?? fieldError(error, 'latency_seconds') ?? fieldError(error, 'simulator')
}

function SimulatorSettings({ form, update, error }: { form: RunForm; update: (change: Partial<RunForm>) => void; error: unknown }) {
  const setOutcome = (outcome: CallOutcome, value: string) => update({ outcomes: { ...form.outcomes, [outcome]: value } })
  const outcomesError = fieldError(error, 'outcomes') ?? fieldError(error, 'simulator')
  return (
    <details className="advanced">
      <summary>Advanced: simulator</summary>
      <fieldset>
        <legend>Outcome mix (relative weights)</legend>
        <div className="outcome-grid">
          {CALL_OUTCOMES.map((outcome) => (
            <Field key={outcome} label={outcome.replace('_', ' ')}>
              {(props) => <input {...props} type="number" step="any" value={form.outcomes[outcome]} onChange={(e) => setOutcome(outcome, e.target.value)} />}
            </Field>
          ))}
        </div>
        {outcomesError && (
          <p className="field-error" role="alert">
            {outcomesError}
          </p>
        )}
      </fieldset>
      <div className="field-row">
        <Field label="Seed" error={fieldError(error, 'seed')}>
          {(props) => <input {...props} type="number" step={1} value={form.seed} onChange={(e) => update({ seed: e.target.value })} />}
        </Field>
        <Field label="Latency (seconds)" hint="Blank for realistic ring and talk times; 0 for instant." error={fieldError(error, 'latency_seconds')}>
          {(props) => <input {...props} type="number" step="any" value={form.latencySeconds} onChange={(e) => update({ latencySeconds: e.target.value })} />}
        </Field>
      </div>
    </details>
  )
}
