import { lazy, Suspense } from 'react'
import { ApiError, getJson } from '../api/client'
import type { Journey } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync } from '../components/useAsync'
import { journeyPath, navigate, type Tab } from '../router'

// Each tab is its own chunk: the canvas library is loaded only by the Workflow tab.
const WorkflowTab = lazy(() => import('../workflow/WorkflowTab').then((module) => ({ default: module.WorkflowTab })))
const RunsTab = lazy(() => import('../runs/RunsTab').then((module) => ({ default: module.RunsTab })))
const OverviewTab = lazy(() => import('../overview/OverviewTab').then((module) => ({ default: module.OverviewTab })))

const TAB_LABELS: Record<Tab, string> = { workflow: 'Workflow', runs: 'Runs', overview: 'Overview' }

export function JourneyPage({ journeyId, tab, runId }: { journeyId: number; tab: Tab; runId?: number }) {
  const journey = useAsync(() => getJson<Journey>(`/api/journeys/${journeyId}`), [journeyId])
  if (journey.error instanceof ApiError && journey.error.status === 404) return <JourneyNotFound journeyId={journeyId} />

  return (
    <main className="journey-page">
      <header className="journey-header">
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          Journeys
        </a>
        <span aria-hidden="true"> / </span>
        <h1>{journey.data?.name ?? '…'}</h1>
        {journey.data && (
          <nav className="tabs" aria-label="Journey">
            {(Object.keys(TAB_LABELS) as Tab[]).map((name) => (
              <a
                key={name}
                href={journeyPath(journeyId, name)}
                aria-current={name === tab ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault()
                  navigate(journeyPath(journeyId, name, name === 'workflow' ? undefined : runId))
                }}
              >
                {TAB_LABELS[name]}
              </a>
            ))}
          </nav>
        )}
      </header>
      <ErrorNotice error={journey.error} />
      <Suspense fallback={<p className="loading">Loading…</p>}>
        {journey.data && tab === 'workflow' && <WorkflowTab journey={journey.data} onSaved={journey.reload} />}
        {journey.data && tab === 'runs' && <RunsTab journey={journey.data} runId={runId} />}
        {journey.data && tab === 'overview' && <OverviewTab journey={journey.data} runId={runId} />}
      </Suspense>
    </main>
  )
}

// The API's 404 sentence is written for the CLI, so the page says it in its own words.
function JourneyNotFound({ journeyId }: { journeyId: number }) {
  return (
    <main className="page">
      <h1>Journey {journeyId} was not found</h1>
      <p>
        It may have been deleted, or the link may be mistyped.{' '}
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault()
            navigate('/')
          }}
        >
          Go to the journeys list.
        </a>
      </p>
    </main>
  )
}
