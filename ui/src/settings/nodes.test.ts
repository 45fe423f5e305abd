import { describe, expect, it } from 'vitest'
import type { JourneyNode } from '../api/types'
import { freshLabel, moveItem, renameKey, withSettings } from './nodes'
import { timeZoneNames } from './timezones'

describe('withSettings', () => {
  const node: JourneyNode = { id: 'text', type: 'sms', message: 'Hi', future_setting: 1 }

  it('keeps unknown keys', () => {
    expect(withSettings(node, { message: 'Hello' })).toEqual({ id: 'text', type: 'sms', message: 'Hello', future_setting: 1 })
  })

  it('removes settings set to undefined', () => {
    expect('message' in withSettings(node, { message: undefined })).toBe(false)
  })
})

describe('moveItem', () => {
  it('moves up and down and stops at the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b'])
  })
})

describe('freshLabel and renameKey', () => {
  it('skips taken labels', () => {
    expect(freshLabel('Case', ['Case 2'])).toBe('Case 3')
  })

  it('renames a key in place', () => {
    expect(Object.keys(renameKey({ a: '1', b: '2', c: '3' }, 'b', 'x'))).toEqual(['a', 'x', 'c'])
  })
})

describe('timeZoneNames', () => {
  it('includes UTC, common zones and the current value', () => {
    const names = timeZoneNames('Mars/Olympus_Mons')
    expect(names).toContain('UTC')
    expect(names).toContain('America/New_York')
    expect(names).toContain('Mars/Olympus_Mons')
    expect([...names].sort()).toEqual(names)
  })
})
