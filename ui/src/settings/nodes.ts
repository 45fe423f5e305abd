// Changing a node's settings while keeping every key the panel does not know.
import type { JourneyNode } from '../api/types'

/** Returns `node` with `changes` applied; a change to `undefined` removes the setting. */
export function withSettings(node: JourneyNode, changes: Record<string, unknown>): JourneyNode {
  const changed: Record<string, unknown> = { ...node }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete changed[key]
    else changed[key] = value
  }
  return changed as JourneyNode
}

/** Returns `items` with the item at `index` moved by `step` places, or unchanged at either end. */
export function moveItem<T>(items: T[], index: number, step: number): T[] {
  const target = index + step
  if (target < 0 || target >= items.length) return items
  const moved = [...items]
  const [item] = moved.splice(index, 1)
  moved.splice(target, 0, item)
  return moved
}

/** Returns `base` followed by the first number that makes a label not in `taken`. */
export function freshLabel(base: string, taken: string[]): string {
  let index = taken.length + 1
  while (taken.includes(`${base} ${index}`)) index += 1
  return `${base} ${index}`
}

/** Returns a copy of a string map with the key `from` renamed to `to`, keeping the order of keys. */
export function renameKey(map: Record<string, string>, from: string, to: string): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key === from ? to : key, value]))
}
