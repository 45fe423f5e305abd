import { describe, expect, it } from 'vitest'
import type { JourneyNode } from '../api/types'
import { nodeSummary } from './summary'

function summary(node: Partial<JourneyNode> & Pick<JourneyNode, 'type'>): string {
  return nodeSummary({ id: 'n', ...node } as JourneyNode)
}

describe('nodeSummary', () => {
  it.each([
    [{ type: 'start' }, 'When the run starts'],
    [{ type: 'start', trigger: 'api' }, 'Recipients added over the API'],
    [{ type: 'call', from_number: '+12025550100', agent: 'collections' }, 'Call from +1202… via collections'],
    [{ type: 'call', from_number: '', agent: '' }, 'Call'],
    [{ type: 'sms', message: '' }, 'No message yet'],
    [{ type: 'sms', message: 'Hello' }, '“Hello”'],
    [{ type: 'sms', message: 'x'.repeat(50) }, `“${'x'.repeat(39)}…”`],
    [{ type: 'time_delay', amount: 2, unit: 'hours' }, 'Wait 2 hours'],
    [{ type: 'time_delay', amount: 1, unit: 'days' }, 'Wait 1 day'],
    [{ type: 'wait_until', window: { days: ['mon', 'fri'], start: '09:00', end: '17:00' } }, 'Until Mon Fri 09:00–17:00'],
    [{ type: 'wait_until', window: { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '08:00', end: '09:00' } }, 'Until 08:00–09:00'],
    [{ type: 'wait_until', field: 'due_date', offset: '-1 day', time: '10:00' }, 'Until due_date -1 day at 10:00'],
    [{ type: 'wait_until', at: '2026-12-05T09:00:00Z' }, 'Until 2026-12-05T09:00:00Z'],
    [{ type: 'branch', cases: [] }, '0 cases + default'],
    [{ type: 'branch', cases: [{ label: 'A', when: { subject: 'x', op: 'is_empty' } }] }, '1 case + default'],
    [{ type: 'end', result: 'done' }, 'Result: done'],
    [{ type: 'end' }, 'End'],
  ] as const)('%o', (node, expected) => {
    expect(summary(node as unknown as JourneyNode)).toBe(expected)
  })
})
