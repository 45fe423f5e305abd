// Undo and redo over whole documents. Edits that arrive in quick succession with
// the same key (one drag, typing in one field) merge into one step.

export interface History<T> {
  past: T[]
  present: T
  future: T[]
  /** Key and time of the latest edit, for merging. */
  lastKey?: string
  lastAt?: number
}

export const MERGE_WINDOW_MS = 1000
export const MAX_STEPS = 200

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] }
}

/**
 * Records `next` as the present. An edit with the same `key` as the previous one,
 * within MERGE_WINDOW_MS of it, replaces the present instead of adding a step.
 * Recording the present value again changes nothing.
 */
export function record<T>(history: History<T>, next: T, key?: string, now = Date.now()): History<T> {
  if (next === history.present) return history
  const merge = key !== undefined && key === history.lastKey && history.lastAt !== undefined && now - history.lastAt <= MERGE_WINDOW_MS
  if (merge) return { ...history, present: next, future: [], lastAt: now }

  const past = [...history.past, history.present].slice(-MAX_STEPS)
  return { past, present: next, future: [], lastKey: key, lastAt: now }
}

export function canUndo<T>(history: History<T>): boolean {
  return history.past.length > 0
}

export function canRedo<T>(history: History<T>): boolean {
  return history.future.length > 0
}

export function undo<T>(history: History<T>): History<T> {
  if (!canUndo(history)) return history
  const previous = history.past[history.past.length - 1]
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] }
}

export function redo<T>(history: History<T>): History<T> {
  if (!canRedo(history)) return history
  const [next, ...future] = history.future
  return { past: [...history.past, history.present], present: next, future }
}
