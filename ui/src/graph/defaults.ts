// New nodes: unique ids and the settings a node of each type starts with.
import type { Registry } from '../api/registry'
import type { JourneyDocument, JourneyNode, NodeType, Position } from '../api/types'
import { ancestors } from './ancestors'

/** The node types the palette offers; every journey has exactly one Start already. */
export type PlaceableType = Exclude<NodeType, 'start'>

export const PLACEABLE_TYPES: PlaceableType[] = ['call', 'sms', 'time_delay', 'wait_until', 'branch', 'end']

export const TYPE_NAMES: Record<NodeType, string> = {
  start: 'Start',
  call: 'Call',
  sms: 'SMS',
  time_delay: 'Time Delay',
  wait_until: 'Wait Until',
  branch: 'Branch',
  end: 'End',
}

/** Returns `<type>_<n>` with n one more than the highest n any node of that form has. */
export function newNodeId(document: JourneyDocument, type: NodeType): string {
  const pattern = new RegExp(`^${type}_(\\d+)$`)
  let highest = 0
  for (const node of document.nodes) {
    const match = pattern.exec(node.id)
    if (match) highest = Math.max(highest, Number(match[1]))
  }
  return `${type}_${highest + 1}`
}

/**
 * Builds a node of `type` with starting settings. `after` is the node it will
 * follow, if known: a new branch's first case then tests the outcome of the
 * nearest call before it.
 */
export function newNode(
  document: JourneyDocument,
  type: PlaceableType,
  registry: Registry,
  position: Position,
  after?: string,
): JourneyNode {
  const id = newNodeId(document, type)
  return { id, type, position: { x: position.x, y: position.y }, ...defaultSettings(document, type, registry, after) }
}

export function defaultSettings(
  document: JourneyDocument,
  type: PlaceableType,
  registry: Registry,
  after?: string,
): Record<string, unknown> {
  const number = registry.numbers[0]?.number ?? ''
  switch (type) {
    case 'call':
      return { from_number: number, agent: registry.agents[0]?.name ?? '' }
    case 'sms':
      return { from_number: number, message: '' }
    case 'time_delay':
      return { amount: 1, unit: 'hours' }
    case 'wait_until':
      return { window: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' } }
    case 'branch':
      return { cases: [{ label: 'Answered', when: answeredCondition(document, after) }] }
    case 'end':
      return { result: 'done' }
  }
}

function answeredCondition(document: JourneyDocument, after: string | undefined) {
  const earlier = after ? [...ancestors(document, after), ...document.nodes.filter((node) => node.id === after)] : []
  const calls = earlier.filter((node) => node.type === 'call')
  const nearest = calls.find((node) => node.id === after) ?? calls[calls.length - 1]
  const subject = nearest ? `nodes.${nearest.id}.outcome` : 'recipient.last_call_outcome'
  return { subject, op: 'equals', value: 'answered' }
}
