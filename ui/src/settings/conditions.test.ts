import { describe, expect, it } from 'vitest'
import type { Condition } from '../api/types'
import { conditionKind, convertCondition, partPath, withParts } from './conditions'

const voicemail: Condition = { subject: 'nodes.call_1.outcome', op: 'equals', value: 'voicemail' }
const busy: Condition = { subject: 'nodes.call_1.outcome', op: 'equals', value: 'busy' }

describe('convertCondition', () => {
  it('wraps a comparison in a group', () => {
    expect(convertCondition(voicemail, 'all')).toEqual({ all: [voicemail] })
    expect(convertCondition(voicemail, 'not')).toEqual({ not: voicemail })
  })

  it('switches a group between all and any', () => {
    expect(convertCondition({ all: [voicemail, busy] }, 'any')).toEqual({ any: [voicemail, busy] })
  })

  it('keeps the first comparison when a group becomes one', () => {
    expect(convertCondition({ any: [{ not: busy }, voicemail] }, 'comparison')).toEqual(busy)
    expect(convertCondition({ all: [] }, 'comparison', 'data.tier')).toEqual({ subject: 'data.tier', op: 'equals', value: '' })
  })

  it('leaves a condition of the same kind alone', () => {
    expect(convertCondition(voicemail, 'comparison')).toBe(voicemail)
  })
})

describe('groups', () => {
  it('replaces parts', () => {
    expect(withParts({ any: [voicemail] }, [busy])).toEqual({ any: [busy] })
    expect(withParts({ not: voicemail }, [busy])).toEqual({ not: busy })
    expect(conditionKind({ not: voicemail })).toBe('not')
  })

  it('names part paths as validation does', () => {
    expect(partPath('cases[0].when', { all: [] }, 2)).toBe('cases[0].when.all[2]')
    expect(partPath('cases[0].when', { not: voicemail }, 0)).toBe('cases[0].when.not')
  })
})
