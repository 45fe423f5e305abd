import { useCallback, useEffect, useState } from 'react'
import { getJson } from '../api/client'
import type { Journey } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync, usePolling } from '../components/useAsync'
import { formatCount, formatTime } from '../format'
import { journeyPath, navigate } from '../router'
import { useCan } from '../session'
import { isLive } from './controls'
import { NewRunDialog } from './NewRunDialog'
import { RunView } from './RunView'
import type { RunListItem } from './runTypes'
import { StatusBadge } from './StatusBadge'
import './runs.css'

const LIST_REFRESH_MS = 3000

export function RunsTab({ journey, runId }: { journey: Journey; runId?: number }) {
  const runs = useAsync(() => getJson<RunListItem[]>(`/api/journeys/${journey.id}/runs`), [journey.id])
  const canOperate = useCan('operator')
  const [creating, setCreating] = useState(false)
  const reloadRuns = runs.reload
  usePolling(reloadRuns, LIST_REFRESH_MS, Boolean(runs.data?.some((run) => isLive(run.status))))

  // Without a run in the path, the newest run is shown.
  useEffect(() => {
    const newest = runs.data?.[0]
    if (runId === undefined && newest) navigate(journeyPath(journey.id, 'runs', newest.id), { replace: true })
  }, [runId, runs.data, journey.id])

  const onRunChanged = useCallback(() => reloadRuns(), [reloadRuns])

  return (
    <div className="runs-tab">
      <aside className="runs-list" aria-label="Runs of this journey">
        <div className="runs-list-header">
          <h2>Runs</h2>
          {canOperate && (
            <button type="button" className="primary" onClick={() => setCreating(true)}>
              New run
            </button>
          )}
        </div>
        <ErrorNotice error={runs.error} />
        {runs.data && runs.data.length === 0 && <p className="hint">No runs yet. A run calls a list of recipients through this journey.</p>}
        <ul>
          {runs.data?.map((run) => (
            <li key={run.id}>
              <a
                href={journeyPath(journey.id, 'runs', run.id)}
                aria-current={run.id === runId ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  navigate(journeyPath(journey.id, 'runs', run.id))
                }}
              >
                <span className="run-name">{run.name}</span>
                <StatusBadge status={run.status} />
                <small>
                  {formatCount(run.recipient_count)} recipient{run.recipient_count === 1 ? '' : 's'} ·{' '}
                  {run.scheduled_at && run.status === 'scheduled' ? `starts ${formatTime(run.scheduled_at)}` : `created ${formatTime(run.created_at)}`}
                </small>
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <section className="run-pane" aria-label="Run">
        {runId !== undefined ? (
          <RunView key={runId} journey={journey} runId={runId} onChanged={onRunChanged} />
        ) : (
          runs.data && runs.data.length === 0 && <p className="hint">Create a run, import its recipients from a CSV file, then start or schedule it.</p>
        )}
      </section>
      {creating && (
        <NewRunDialog
          journeyId={journey.id}
          onClose={() => setCreating(false)}
          onCreated={(run) => {
            setCreating(false)
            reloadRuns()
            navigate(journeyPath(journey.id, 'runs', run.id))
          }}
        />
      )}
    </div>
  )
}
