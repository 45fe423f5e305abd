import { useCallback, useEffect, useState } from 'react'

export interface AsyncState<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
}

/** Load data when `deps` change, keeping the last data while it reloads. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<unknown>()
  const [loading, setLoading] = useState(true)
  const [generation, setGeneration] = useState(0)

  useEffect(() => {
    let current = true
    setLoading(true)
    load().then(
      (value) => {
        if (!current) return
        setData(value)
        setError(undefined)
        setLoading(false)
      },
      (reason: unknown) => {
        if (!current) return
        setError(reason)
        setLoading(false)
      },
    )
    return () => {
      current = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation])

  const reload = useCallback(() => setGeneration((value) => value + 1), [])
  return { data, error, loading, reload }
}

/** Call `tick` every `milliseconds` while `active`, and never while the tab is hidden. */
export function usePolling(tick: () => void, milliseconds: number, active: boolean): void {
  useEffect(() => {
    if (!active) return
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') tick()
    }, milliseconds)
    return () => window.clearInterval(timer)
  }, [tick, milliseconds, active])
}
