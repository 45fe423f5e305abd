import { useCallback, useEffect, useRef, useState } from 'react'
import { getJson } from '../api/client'
import type { Journey } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { useAsync, usePolling } from '../components/useAsync'
import { journeyPath, navigate } from '../router'
import { ForeignRun } from '../runs/ForeignRun'
import type { RunListItem } from '../runs/runTypes'
import { allowedBucket } from './buckets'
import { CallsChart } from './CallsChart'
import { browserTimeZone, type DateRange, type RangeQuery } from './dateRange'
import { NodeFunnel } from './NodeFunnel'
import { clockTime, isLive } from './live'
import { OverviewFilters } from './OverviewFilters'
import { StatCards } from './StatCards'
import type { Bucket, CallSeries, Stats } from './types'
import './overview.css'

const POLL_MILLISECONDS = 3000

interface Figures {
  stats: Stats
  calls: CallSeries
  loadedAt: Date
}

/** The journey's figures, for all runs or one (kept in the URL), with a chart and the node funnel. */
export function OverviewTab({ journey, runId }: { journey: Journey; runId?: number }) {
  const timeZone = browserTimeZone()
  const runs = useAsync(() => getJson<RunListItem[]>(`/api/journeys/${journey.id}/runs`), [journey.id])
  const [range, setRange] = useState<DateRange>({ from: '', to: '' })
  // The last valid range: an invalid one shows its error and keeps the figures of this one.
  const [applied, setApplied] = useState<RangeQuery>({})
  const [bucket, setBucket] = useState<Bucket | ''>('')
  const sentBucket = allowedBucket(bucket, applied)

  const figures = useAsync<Figures>(async () => {
    const query = { run: runId, since: applied.since, until: applied.until }
    const [stats, calls] = await Promise.all([
      getJson<Stats>(`/api/journeys/${journey.id}/stats`, query),
      getJson<CallSeries>(`/api/journeys/${journey.id}/calls-over-time`, { ...query, bucket: sentBucket }),
    ])
    return { stats, calls, loadedAt: new Date() }
  }, [journey.id, runId, applied.since, applied.until, sentBucket])

  const live = runs.data ? isLive(runs.data, runId) : false
  const reloadFigures = figures.reload
  const reloadRuns = runs.reload
  const tick = useCallback(() => {
    reloadFigures()
    reloadRuns()
  }, [reloadFigures, reloadRuns])
  usePolling(tick, POLL_MILLISECONDS, live)
  useFinalReload(live, reloadFigures)

  if (runs.error) return <section className="overview" aria-label="Overview"><ErrorNotice error={runs.error} /></section>
  if (!runs.data) return <section className="overview loading" aria-label="Overview">Loading…</section>
  if (runId !== undefined && !runs.data.some((run) => run.id === runId)) {
    return (
      <section className="overview" aria-label="Overview">
        <ForeignRun runId={runId} tab="overview" />
      </section>
    )
  }
  if (runs.data.length === 0) return <EmptyOverview journeyId={journey.id} />

  return (
    <section className="overview" aria-label="Overview">
      <div className="overview-toolbar">
        <OverviewFilters
          runs={runs.data}
          runId={runId}
          onRun={(id) => navigate(journeyPath(journey.id, 'overview', id))}
          range={range}
          onRange={(next, query) => {
            setRange(next)
            if (query) setApplied(query)
          }}
          timeZone={timeZone}
          bucket={bucket}
          applied={applied}
          onBucket={setBucket}
          error={figures.error}
        />
        <UpdatedAt live={live} loadedAt={figures.data?.loadedAt} loading={figures.loading} />
      </div>
      <ErrorNotice error={figures.error} />
      {figures.data && (
        <>
          <StatCards stats={figures.data.stats} />
          <CallsChart calls={figures.data.calls} timeZone={timeZone} />
          <NodeFunnel document={journey.document} nodes={figures.data.stats.nodes} />
        </>
      )}
    </section>
  )
}

// The last poll may have read the figures just before the run finished, so they are
// read once more when the run stops being live.
function useFinalReload(live: boolean, reload: () => void): void {
  const wasLive = useRef(live)
  useEffect(() => {
    if (wasLive.current && !live) reload()
    wasLive.current = live
  }, [live, reload])
}

function UpdatedAt({ live, loadedAt, loading }: { live: boolean; loadedAt?: Date; loading: boolean }) {
  if (!loadedAt) return <p className="overview-updated">{loading ? 'Loading…' : ''}</p>
  return (
    <p className="overview-updated">
      {live && (
        <span className="live-indicator">
          <span className="live-dot" aria-hidden="true" />
          Live
        </span>
      )}
      <span>Updated {clockTime(loadedAt)}</span>
    </p>
  )
}

function EmptyOverview({ journeyId }: { journeyId: number }) {
  return (
    <section className="overview" aria-label="Overview">
      <div className="overview-empty">
        <h2>No runs yet</h2>
        <p>
          The figures appear here once a run of this journey starts.{' '}
          <a
            href={journeyPath(journeyId, 'runs')}
            onClick={(event) => {
              event.preventDefault()
              navigate(journeyPath(journeyId, 'runs'))
            }}
          >
            Create a run
          </a>{' '}
          to call a list of recipients.
        </p>
      </div>
    </section>
  )
}
