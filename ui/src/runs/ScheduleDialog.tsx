import { useMemo, useState, type FormEvent } from 'react'
import { ApiError, sendJson } from '../api/client'
import { Dialog } from '../components/Dialog'
import { ErrorNotice, fieldError } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { browserTimeZone, proposedStart, scheduleBody, timeZoneList } from './schedule'

const FORM_ID = 'schedule-form'

/**
 * Return the message for the time field: the API's sentence on `at`, or a sentence that
 * names no field, such as a skipped local time or a time in the past.
 */
function timeError(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined
  return error.forField('at') ?? (error.errors.length === 0 && error.status !== 0 ? error.message : undefined)
}

export function ScheduleDialog({ runId, onClose, onScheduled }: { runId: number; onClose: () => void; onScheduled: () => void }) {
  const viewerZone = browserTimeZone()
  const [zone, setZone] = useState(viewerZone)
  const [start] = useState(() => proposedStart(new Date(), viewerZone))
  const [date, setDate] = useState(start.date)
  const [time, setTime] = useState(start.time)
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const zones = useMemo(() => timeZoneList([viewerZone]), [viewerZone])

  async function schedule(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    try {
      await sendJson('POST', `/api/runs/${runId}/schedule`, scheduleBody(date, time, zone))
      onScheduled()
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  const atError = timeError(error)
  const zoneError = fieldError(error, 'timezone')
  return (
    <Dialog
      title="Schedule the run"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={FORM_ID} className="primary" disabled={busy || !date || !time}>
            Schedule
          </button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={schedule}>
        <div className="field-row">
          <Field label="Date">{(props) => <input {...props} type="date" value={date} onChange={(e) => setDate(e.target.value)} required />}</Field>
          <Field label="Time" error={atError}>
            {(props) => <input {...props} type="time" value={time} onChange={(e) => setTime(e.target.value)} required />}
          </Field>
        </div>
        <Field label="Time zone" hint={zone === viewerZone ? 'Your browser’s zone.' : `Your browser’s zone is ${viewerZone}.`} error={zoneError}>
          {(props) => (
            <select {...props} value={zone} onChange={(e) => setZone(e.target.value)}>
              {zones.map((name) => (
                <option key={name}>{name}</option>
              ))}
            </select>
          )}
        </Field>
        {!atError && !zoneError && <ErrorNotice error={error} />}
      </form>
    </Dialog>
  )
}
