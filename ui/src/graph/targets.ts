// The outgoing connections of a node, named by the source handle that draws them:
// `next`, `case-<i>` for a branch case and `default` for a branch's default.
import type { JourneyNode } from '../api/types'

export interface Connection {
  handle: string
  target: string | undefined
}

export const NEXT = 'next'
export const DEFAULT = 'default'

export function caseHandle(index: number): string {
  return `case-${index}`
}

/** Returns the index of the case a `case-<i>` handle names, or undefined for other handles. */
export function caseIndex(handle: string): number | undefined {
  const match = /^case-(\d+)$/.exec(handle)
  return match ? Number(match[1]) : undefined
}

/** Lists every source handle of a node with its target, connected or not. */
export function connectionsOf(node: JourneyNode): Connection[] {
  if (node.type === 'end') return []
  if (node.type === 'branch') {
    const cases = (node.cases ?? []).map((branchCase, index) => ({ handle: caseHandle(index), target: branchCase.next }))
    return [...cases, { handle: DEFAULT, target: node.default }]
  }
  return [{ handle: NEXT, target: node.next }]
}

/** Lists the ids a node leads to, in handle order, repeats included. */
export function targetsOf(node: JourneyNode): string[] {
  return connectionsOf(node)
    .map((connection) => connection.target)
    .filter((target): target is string => typeof target === 'string' && target !== '')
}

/** Returns the handle that a node gets its onward connection from when it is inserted after another. */
export function mainHandle(node: JourneyNode): string | undefined {
  if (node.type === 'end') return undefined
  return node.type === 'branch' ? DEFAULT : NEXT
}

/** Returns a copy of `node` whose `handle` leads to `target`, or nowhere when `target` is undefined. */
export function withTarget(node: JourneyNode, handle: string, target: string | undefined): JourneyNode {
  const index = caseIndex(handle)
  if (index !== undefined) {
    const cases = (node.cases ?? []).map((branchCase, i) => {
      if (i !== index) return branchCase
      const changed = { ...branchCase }
      if (target === undefined) delete changed.next
      else changed.next = target
      return changed
    })
    return { ...node, cases }
  }

  const key = handle === DEFAULT ? 'default' : 'next'
  const changed = { ...node }
  if (target === undefined) delete changed[key]
  else changed[key] = target
  return changed
}

/** Returns the target of one handle of a node. */
export function targetOf(node: JourneyNode, handle: string): string | undefined {
  return connectionsOf(node).find((connection) => connection.handle === handle)?.target
}
