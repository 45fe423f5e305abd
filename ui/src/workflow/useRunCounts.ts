import { useCallback, useEffect, useState } from 'react'
import { getJson } from '../api/client'
import { usePolling } from '../components/useAsync'

export interface JourneyRun {
  id: number
  name: string
  status: string
}

interface NodeStats {
  node_id: string
  on_now: number
}

export const COUNTS_REFRESH_MS = 3000
const LIVE_STATUSES = ['scheduled', 'running', 'paused']

export interface RunCounts {
  runs: JourneyRun[]
  runsError: unknown
  runId: number | undefined
  setRunId: (runId: number | undefined) => void
  /** Recipients on each node now, by node id, for the chosen run. */
  onNow: Map<string, number> | undefined
  countsError: unknown
}

/** Lists the journey's runs and reads how many recipients of the chosen one are on each node, every few seconds while that run is live. */
export function useRunCounts(journeyId: number): RunCounts {
  const [runs, setRuns] = useState<JourneyRun[]>([])
  const [runsError, setRunsError] = useState<unknown>()
  const [runId, setRunId] = useState<number>()
  const [onNow, setOnNow] = useState<Map<string, number>>()
  const [countsError, setCountsError] = useState<unknown>()

  const loadRuns = useCallback(() => {
    getJson<JourneyRun[]>(`/api/journeys/${journeyId}/runs`).then(
      (listed) => {
        setRuns(listed)
        setRunsError(undefined)
      },
      setRunsError,
    )
  }, [journeyId])

  const loadCounts = useCallback(() => {
    if (runId === undefined) return
    getJson<{ nodes: NodeStats[] }>(`/api/journeys/${journeyId}/stats`, { run: runId }).then(
      (stats) => {
        setOnNow(new Map(stats.nodes.map((node) => [node.node_id, node.on_now])))
        setCountsError(undefined)
      },
      setCountsError,
    )
  }, [journeyId, runId])

  useEffect(loadRuns, [loadRuns])
  useEffect(() => {
    setOnNow(undefined)
    loadCounts()
  }, [loadCounts])

  // Scheduled and paused runs are polled too: a scheduled run starts by itself, and
  // results that arrive during a pause still move recipients to their next node.
  const status = runs.find((run) => run.id === runId)?.status
  const live = status !== undefined && LIVE_STATUSES.includes(status)
  const refresh = useCallback(() => {
    loadRuns()
    loadCounts()
  }, [loadRuns, loadCounts])
  usePolling(refresh, COUNTS_REFRESH_MS, live)

  return { runs, runsError, runId, setRunId, onNow: runId === undefined ? undefined : onNow, countsError }
}
