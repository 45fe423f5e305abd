import { useState } from 'react'
import { ApiError, getJson, sendJson } from '../api/client'
import type { Journey } from '../api/types'
import { ConfirmDialog } from '../components/Dialog'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync, usePolling } from '../components/useAsync'
import { formatCount, formatTime } from '../format'
import { journeyPath, navigate } from '../router'
import { useCan } from '../session'
import { allowedControls, isLive, type RunControl } from './controls'
import { ForeignRunNotice, RunNotFound } from './ForeignRun'
import { ImportWizard } from './ImportWizard'
import { RecipientsTable } from './RecipientsTable'
import { RECIPIENT_STATUSES, type RunDetail } from './runTypes'
import { browserTimeZone, describeSchedule } from './schedule'
import { ScheduleDialog } from './ScheduleDialog'
import { StatusBadge } from './StatusBadge'

const RUN_REFRESH_MS = 2500

const BUTTON_CLASSES: Partial<Record<RunControl, string>> = { start: 'primary', cancel: 'danger', delete: 'danger' }

type Command = 'start' | 'unschedule' | 'pause' | 'resume' | 'cancel'
type Asking = 'schedule' | 'cancel' | 'delete' | undefined

const LABELS: Record<RunControl, string> = {
  start: 'Start now',
  schedule: 'Schedule…',
  import: 'Import recipients…',
  delete: 'Delete draft',
  unschedule: 'Unschedule',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel run',
}

export function RunView({ journey, runId, onChanged }: { journey: Journey; runId: number; onChanged: () => void }) {
  const run = useAsync(() => getJson<RunDetail>(`/api/runs/${runId}`), [runId])
  const canOperate = useCan('operator')
  const [asking, setAsking] = useState<Asking>()
  const [importing, setImporting] = useState(false)
  const [busy, setBusy] = useState(false)
  const [commandError, setCommandError] = useState<unknown>()
  const live = run.data ? isLive(run.data.status) : false
  usePolling(run.reload, RUN_REFRESH_MS, live)

  if (run.error instanceof ApiError && run.error.status === 404) return <RunNotFound runId={runId} />
  if (!run.data) return <ErrorNotice error={run.error} />
  const detail = run.data
  if (detail.journey_id !== journey.id) return <ForeignRunNotice run={detail} tab="runs" />
  const startTrigger = journey.document.nodes.find((node) => node.type === 'start')?.trigger
  const controls = allowedControls(detail.status, { canOperate, startTrigger: typeof startTrigger === 'string' ? startTrigger : undefined })

  function changed() {
    run.reload()
    onChanged()
  }

  async function command(name: Command) {
    setBusy(true)
    setCommandError(undefined)
    try {
      await sendJson('POST', `/api/runs/${runId}/${name}`)
      setAsking(undefined)
      changed()
    } catch (reason) {
      setCommandError(reason)
    } finally {
      setBusy(false)
    }
  }

  async function remove() {
    setBusy(true)
    try {
      await sendJson('DELETE', `/api/runs/${runId}`)
      onChanged()
      navigate(journeyPath(journey.id, 'runs'), { replace: true })
    } catch (reason) {
      setCommandError(reason)
      setBusy(false)
    }
  }

  function onControl(control: RunControl) {
    setCommandError(undefined)
    if (control === 'import') setImporting(true)
    else if (control === 'schedule' || control === 'cancel' || control === 'delete') setAsking(control)
    else void command(control)
  }

  return (
    <div className="run-view">
      <header className="run-header">
        <div className="run-title">
          <h2>{detail.name}</h2>
          <StatusBadge status={detail.status} />
        </div>
        {controls.length > 0 && (
          <div className="run-controls" role="group" aria-label="Run controls">
            {controls.map((control) => (
              <button
                key={control}
                type="button"
                className={BUTTON_CLASSES[control]}
                onClick={() => onControl(control)}
                disabled={busy}
              >
                {LABELS[control]}
              </button>
            ))}
          </div>
        )}
      </header>
      {!asking && <ErrorNotice error={commandError} />}
      <RunFacts detail={detail} />
      <StatusSummary counts={detail.recipients} />
      <p className="exports">
        Export:{' '}
        <a href={`/api/runs/${runId}/export`} download>
          Recipients CSV
        </a>{' '}
        ·{' '}
        <a href={`/api/runs/${runId}/export?events=true`} download>
          Events CSV
        </a>
      </p>

      {importing && (
        <ImportWizard
          runId={runId}
          onClose={() => setImporting(false)}
          onImported={changed}
        />
      )}
      <RecipientsTable
        journey={journey}
        runId={runId}
        live={detail.status === 'running' || detail.status === 'paused'}
        refreshKey={`${detail.status} ${JSON.stringify(detail.recipients)}`}
      />

      {asking === 'schedule' && (
        <ScheduleDialog
          runId={runId}
          onClose={() => setAsking(undefined)}
          onScheduled={() => {
            setAsking(undefined)
            changed()
          }}
        />
      )}
      {asking === 'cancel' && (
        <ConfirmDialog
          title={`Cancel ${detail.name}?`}
          message="No new call or SMS starts, queued ones are dropped and calls in progress are hung up. A cancelled run cannot be resumed."
          confirmLabel="Cancel run"
          danger
          busy={busy}
          error={commandError}
          onConfirm={() => void command('cancel')}
          onCancel={() => setAsking(undefined)}
        />
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title={`Delete ${detail.name}?`}
          message="The draft run and its imported recipients are deleted."
          confirmLabel="Delete draft"
          danger
          busy={busy}
          error={commandError}
          onConfirm={() => void remove()}
          onCancel={() => setAsking(undefined)}
        />
      )}
    </div>
  )
}

function RunFacts({ detail }: { detail: RunDetail }) {
  const settings = detail.settings
  const viewerZone = browserTimeZone()
  const schedule = detail.scheduled_at ? describeSchedule(detail.scheduled_at, detail.schedule_local, viewerZone) : undefined
  return (
    <dl className="run-facts">
      {schedule && detail.status === 'scheduled' && (
        <div>
          <dt>Starts</dt>
          <dd>
            {schedule.chosen}
            {schedule.browser && <span className="hint"> = {schedule.browser} in your zone</span>}
          </dd>
        </div>
      )}
      {detail.started_at && (
        <div>
          <dt>Started</dt>
          <dd>{formatTime(detail.started_at)}</dd>
        </div>
      )}
      {detail.finished_at && (
        <div>
          <dt>Finished</dt>
          <dd>{formatTime(detail.finished_at)}</dd>
        </div>
      )}
      {detail.failure_reason && (
        <div>
          <dt>Failure</dt>
          <dd>{detail.failure_reason}</dd>
        </div>
      )}
      <div>
        <dt>Calling window</dt>
        <dd>{settings.calling_window ?? 'none'}</dd>
      </div>
      <div>
        <dt>Default zone</dt>
        <dd>{settings.default_timezone}</dd>
      </div>
      <div>
        <dt>Concurrent calls</dt>
        <dd>{settings.max_concurrent_calls}</dd>
      </div>
      <div>
        <dt>Provider</dt>
        <dd>
          {settings.provider}
          {settings.provider === 'simulator' && settings.simulator.latency_seconds !== null && ` (latency ${settings.simulator.latency_seconds} s)`}
        </dd>
      </div>
    </dl>
  )
}

function StatusSummary({ counts }: { counts: Record<string, number> }) {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0)
  const known: string[] = [...RECIPIENT_STATUSES]
  const statuses = [...known, ...Object.keys(counts).filter((status) => !known.includes(status))]
  return (
    <ul className="status-summary" aria-label="Recipients by status">
      <li>
        <strong>{formatCount(total)}</strong> recipient{total === 1 ? '' : 's'}
      </li>
      {statuses
        .filter((status) => counts[status])
        .map((status) => (
          <li key={status} data-status={status}>
            <strong>{formatCount(counts[status])}</strong> {status}
          </li>
        ))}
    </ul>
  )
}
