// One line about a node's settings, for its card on the canvas.
import type { JourneyNode } from '../api/types'

const DAY_NAMES: Record<string, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' }

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** Shortens a phone number to its first digits: `+12025550100` becomes `+1202…`. */
export function shortNumber(number: string): string {
  return number.length > 6 ? `${number.slice(0, 5)}…` : number
}

function plural(amount: number, unit: string): string {
  const singular = unit.endsWith('s') ? unit.slice(0, -1) : unit
  return `${amount} ${amount === 1 ? singular : `${singular}s`}`
}

export function nodeSummary(node: JourneyNode): string {
  switch (node.type) {
    case 'start':
      return node.trigger === 'api' ? 'Recipients added over the API' : 'When the run starts'
    case 'call': {
      const from = text(node.from_number)
      const agent = text(node.agent)
      return `Call${from ? ` from ${shortNumber(from)}` : ''}${agent ? ` via ${agent}` : ''}` || 'Call'
    }
    case 'sms': {
      const message = text(node.message)
      if (!message) return 'No message yet'
      return message.length > 40 ? `“${message.slice(0, 39)}…”` : `“${message}”`
    }
    case 'time_delay':
      return typeof node.amount === 'number' ? `Wait ${plural(node.amount, text(node.unit) || 'hours')}` : 'Wait'
    case 'wait_until':
      return waitUntilSummary(node)
    case 'branch': {
      const count = node.cases?.length ?? 0
      return `${count} case${count === 1 ? '' : 's'} + default`
    }
    case 'end':
      return node.result ? `Result: ${text(node.result)}` : 'End'
  }
  return ''
}

function waitUntilSummary(node: JourneyNode): string {
  if (typeof node.at === 'string') return `Until ${node.at}`
  if (typeof node.field === 'string') {
    const offset = text(node.offset)
    return `Until ${node.field}${offset ? ` ${offset}` : ''}${node.time ? ` at ${text(node.time)}` : ''}`
  }
  const window = node.window as { days?: string[]; start?: string; end?: string } | undefined
  if (window) {
    const days = window.days && window.days.length < 7 ? `${window.days.map((day) => DAY_NAMES[day] ?? day).join(' ')} ` : ''
    return `Until ${days}${text(window.start)}–${text(window.end)}`
  }
  return 'Wait until'
}
