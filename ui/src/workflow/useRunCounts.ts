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

export interface RunCounts {
  runs: JourneyRun[]
  runsError: unknown
  runId: number | undefined
  setRunId: (runId: number | undefined) => void
  /** Recipients on each node now, by node id, for the chosen run. */
  onNow: Map<string, number> | undefined
  countsError: unknown
}

/** Lists the journey's runs and, for the chosen one, reads how many recipients are on each node, again every few seconds while it runs. */
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

  const running = runs.find((run) => run.id === runId)?.status === 'running'
  const refresh = useCallback(() => {
    loadRuns()
    loadCounts()
  }, [loadRuns, loadCounts])
  usePolling(refresh, COUNTS_REFRESH_MS, running)

  return { runs, runsError, runId, setRunId, onNow: runId === undefined ? undefined : onNow, countsError }
}
