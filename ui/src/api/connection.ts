// Whether the last request reached the server. Every panel's request fails at once
// when the server stops, so the app shows one notice for all of them.
import { useSyncExternalStore } from 'react'

let unreachable = false
const listeners = new Set<() => void>()

export function setUnreachable(value: boolean): void {
  if (value === unreachable) return
  unreachable = value
  for (const listener of listeners) listener()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Returns true while the latest request could not reach the server. */
export function useUnreachable(): boolean {
  return useSyncExternalStore(subscribe, () => unreachable)
}

/** True for the error the client raises when fetch itself fails. */
export function isNetworkError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'network'
}
