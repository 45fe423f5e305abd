import { describe, expect, it } from 'vitest'
import type { JourneyDocument, JourneyNode } from '../api/types'
import { funnelRows, journeyOrder } from './funnel'

function document(...nodes: JourneyNode[]): JourneyDocument {
  return { name: 'Funnel', fields: [], nodes }
}

const outcomeIs = (value: string) => ({ subject: 'nodes.call_1.outcome', op: 'equals', value })

// Start, a call, a branch to an SMS, a second call or the end; written in a scrambled order.
const RETRY = document(
  { id: 'done', type: 'end' },
  { id: 'call_2', type: 'call', next: 'done' },
  { id: 'start', type: 'start', next: 'call_1' },
  {
    id: 'outcome',
    type: 'branch',
    cases: [
      { label: 'Answered', when: outcomeIs('answered'), next: 'done' },
      { label: 'Voicemail', when: outcomeIs('voicemail'), next: 'text' },
    ],
    default: 'call_2',
  },
  { id: 'text', type: 'sms', next: 'done' },
  { id: 'call_1', type: 'call', next: 'outcome' },
)

describe('journeyOrder', () => {
  it('walks from Start and puts a node after every node leading to it', () => {
    expect(journeyOrder(RETRY)).toEqual(['start', 'call_1', 'outcome', 'text', 'call_2', 'done'])
  })

  it('ignores the link that closes a loop', () => {
    const loop = document(
      { id: 'start', type: 'start', next: 'call_1' },
      { id: 'call_1', type: 'call', next: 'wait' },
      { id: 'wait', type: 'time_delay', next: 'check' },
      { id: 'check', type: 'branch', cases: [{ label: 'Again', when: outcomeIs('busy'), next: 'call_1' }], default: 'done' },
      { id: 'done', type: 'end' },
    )
    expect(journeyOrder(loop)).toEqual(['start', 'call_1', 'wait', 'check', 'done'])
  })

  it('puts unreachable nodes last in document order', () => {
    const detached = document(
      { id: 'orphan_b', type: 'sms' },
      { id: 'start', type: 'start', next: 'done' },
      { id: 'orphan_a', type: 'call' },
      { id: 'done', type: 'end' },
    )
    expect(journeyOrder(detached)).toEqual(['start', 'done', 'orphan_b', 'orphan_a'])
  })

  it('keeps document order without a Start node', () => {
    expect(journeyOrder(document({ id: 'b', type: 'end' }, { id: 'a', type: 'call' }))).toEqual(['b', 'a'])
  })
})

describe('funnelRows', () => {
  it('joins counts to nodes and lists removed nodes last', () => {
    const rows = funnelRows(document({ id: 'start', type: 'start', next: 'done', label: 'Begin' }, { id: 'done', type: 'end' }), [
      { node_id: 'old_call', entered: 4, on_now: 0, left: 4 },
      { node_id: 'done', entered: 3, on_now: 1, left: 2 },
    ])

    expect(rows.map((row) => row.id)).toEqual(['start', 'done', 'old_call'])
    expect(rows[0]).toEqual({ id: 'start', label: 'Begin', type: 'start', entered: 0, onNow: 0, left: 0 })
    expect(rows[1]).toMatchObject({ label: 'done', entered: 3, onNow: 1, left: 2 })
    expect(rows[2]).toMatchObject({ label: 'old_call (removed)', type: undefined, entered: 4 })
  })
})
