import { describe, expect, it } from 'vitest'
import { allowedControls, isLive } from './controls'

const operator = { canOperate: true }

describe('allowedControls', () => {
  it.each([
    ['draft', ['start', 'schedule', 'import', 'delete']],
    ['scheduled', ['unschedule']],
    ['running', ['pause', 'cancel']],
    ['paused', ['resume', 'cancel']],
    ['completed', []],
    ['cancelled', []],
    ['failed', []],
  ])('offers the commands of a %s run', (status, expected) => {
    expect(allowedControls(status, operator)).toEqual(expected)
  })

  it('offers nothing to viewers', () => {
    expect(allowedControls('draft', { canOperate: false })).toEqual([])
    expect(allowedControls('running', { canOperate: false, startTrigger: 'api' })).toEqual([])
  })

  it('adds import to a running run of an api-triggered journey', () => {
    expect(allowedControls('running', { canOperate: true, startTrigger: 'api' })).toEqual(['import', 'pause', 'cancel'])
    expect(allowedControls('paused', { canOperate: true, startTrigger: 'api' })).toEqual(['resume', 'cancel'])
  })

  it('offers nothing for an unknown status', () => {
    expect(allowedControls('archived', operator)).toEqual([])
  })

  it('returns a copy the caller may change', () => {
    allowedControls('draft', operator).pop()
    expect(allowedControls('draft', operator)).toHaveLength(4)
  })
})

describe('isLive', () => {
  it('is true only for scheduled, running and paused runs', () => {
    expect(['draft', 'scheduled', 'running', 'paused', 'completed'].map(isLive)).toEqual([false, true, true, true, false])
  })
})
