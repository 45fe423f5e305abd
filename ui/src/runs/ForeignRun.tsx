// Notices for a run id in the path that is missing or belongs to another journey. A
// foreign run links to its own journey, because its figures under this name would mislead.
import { ApiError, getJson } from '../api/client'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync } from '../components/useAsync'
import { journeyPath, navigate, type Tab } from '../router'
import type { Run } from './runTypes'

/** Tells that `run` is not a run of the journey on screen, with a link to its own journey. */
export function ForeignRunNotice({ run, tab }: { run: Pick<Run, 'id' | 'journey_id'>; tab: Tab }) {
  const path = journeyPath(run.journey_id, tab, run.id)
  return (
    <div className="foreign-run" role="alert">
      <p>Run {run.id} is not a run of this journey.</p>
      <p>
        <a
          href={path}
          onClick={(event) => {
            event.preventDefault()
            navigate(path)
          }}
        >
          Open run {run.id} in journey {run.journey_id}
        </a>
      </p>
    </div>
  )
}

/** Tells that a run in the path was not found, in words for the browser rather than the API's. */
export function RunNotFound({ runId }: { runId: number }) {
  return (
    <p className="error" role="alert">
      Run {runId} was not found. It may have been deleted; choose another run.
    </p>
  )
}

/** Loads run `runId`, which the journey's run list lacks, and explains where it belongs. */
export function ForeignRun({ runId, tab }: { runId: number; tab: Tab }) {
  const run = useAsync(() => getJson<Run>(`/api/runs/${runId}`), [runId])
  if (run.error instanceof ApiError && run.error.status === 404) return <RunNotFound runId={runId} />
  if (!run.data) return <ErrorNotice error={run.error} />
  return <ForeignRunNotice run={run.data} tab={tab} />
}
