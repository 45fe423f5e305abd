// A small path router: the app has a handful of screens, and the server answers every
// page path with the app's index, so plain history.pushState is enough.
import { useSyncExternalStore } from 'react'

export type Tab = 'workflow' | 'runs' | 'overview'

export type Route =
  | { page: 'journeys' }
  | { page: 'journey'; journeyId: number; tab: Tab; runId?: number }
  | { page: 'not-found'; path: string }

const TABS: Tab[] = ['workflow', 'runs', 'overview']

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean)
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'journeys')) return { page: 'journeys' }

  if (parts[0] === 'journeys' && /^\d+$/.test(parts[1] ?? '')) {
    const journeyId = Number(parts[1])
    const tab = (parts[2] ?? 'workflow') as Tab
    if (!TABS.includes(tab)) return { page: 'not-found', path }
    const runId = parts[3] && /^\d+$/.test(parts[3]) ? Number(parts[3]) : undefined
    if (parts.length > 4 || (parts[3] !== undefined && runId === undefined)) return { page: 'not-found', path }
    return { page: 'journey', journeyId, tab, runId }
  }
  return { page: 'not-found', path }
}

export function journeyPath(journeyId: number, tab: Tab = 'workflow', runId?: number): string {
  return runId === undefined ? `/journeys/${journeyId}/${tab}` : `/journeys/${journeyId}/${tab}/${runId}`
}

const listeners = new Set<() => void>()

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  window.addEventListener('popstate', listener)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('popstate', listener)
  }
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname + window.location.search) return
  if (options.replace) window.history.replaceState(null, '', path)
  else window.history.pushState(null, '', path)
  for (const listener of listeners) listener()
}

export function useRoute(): Route {
  const path = useSyncExternalStore(subscribe, () => window.location.pathname)
  return parseRoute(path)
}
