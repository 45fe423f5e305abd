import { describe, expect, it } from 'vitest'
import type { Registry } from '../api/registry'
import type { JourneyDocument } from '../api/types'
import { newNode, newNodeId, PLACEABLE_TYPES } from './defaults'
import { demoJourney } from './fixtures/documents'

const registry = {
  numbers: [{ number: '+12025550100' }, { number: '+12025550199' }],
  agents: [{ name: 'collections' }, { name: 'sales' }],
} as unknown as Registry
const empty: Registry = { numbers: [], agents: [] }

describe('newNodeId', () => {
  it('numbers from 1', () => {
    expect(newNodeId(demoJourney, 'call')).toBe('call_1')
  })

  it('follows the highest number', () => {
    const document: JourneyDocument = {
      ...demoJourney,
      nodes: [...demoJourney.nodes, { id: 'call_1', type: 'call' }, { id: 'call_7', type: 'call' }, { id: 'sms_2', type: 'sms' }],
    }
    expect(newNodeId(document, 'call')).toBe('call_8')
    expect(newNodeId(document, 'sms')).toBe('sms_3')
    expect(newNodeId(document, 'time_delay')).toBe('time_delay_1')
  })
})

describe('newNode', () => {
  it('call takes the first number and agent', () => {
    expect(newNode(demoJourney, 'call', registry, { x: 1, y: 2 })).toEqual({
      id: 'call_1',
      type: 'call',
      position: { x: 1, y: 2 },
      from_number: '+12025550100',
      agent: 'collections',
    })
  })

  it('empty registry leaves blanks', () => {
    expect(newNode(demoJourney, 'call', empty, { x: 0, y: 0 })).toMatchObject({ from_number: '', agent: '' })
  })

  it('settings of each type', () => {
    const made = Object.fromEntries(PLACEABLE_TYPES.map((type) => [type, newNode(demoJourney, type, registry, { x: 0, y: 0 })]))
    expect(made.sms).toMatchObject({ from_number: '+12025550100', message: '' })
    expect(made.time_delay).toMatchObject({ amount: 1, unit: 'hours' })
    expect(made.wait_until).toMatchObject({ window: { start: '09:00', end: '17:00' } })
    expect(made.wait_until.at).toBeUndefined()
    expect(made.branch.cases).toHaveLength(1)
    expect(made.branch.default).toBeUndefined()
    expect(made.end).toMatchObject({ result: 'done' })
  })

  it('branch tests the nearest earlier call', () => {
    const branch = newNode(demoJourney, 'branch', registry, { x: 0, y: 0 }, 'wait_retry')
    expect(branch.cases?.[0].when).toEqual({ subject: 'nodes.first_call.outcome', op: 'equals', value: 'answered' })
    const afterCall = newNode(demoJourney, 'branch', registry, { x: 0, y: 0 }, 'second_call')
    expect(afterCall.cases?.[0].when).toMatchObject({ subject: 'nodes.second_call.outcome' })
    const afterStart = newNode(demoJourney, 'branch', registry, { x: 0, y: 0 }, 'start')
    expect(afterStart.cases?.[0].when).toMatchObject({ subject: 'recipient.last_call_outcome' })
  })
})
