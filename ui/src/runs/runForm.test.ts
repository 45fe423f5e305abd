import { describe, expect, it } from 'vitest'
import { callingWindowText, defaultRunForm, formatDays, formProblems, numberOrText, runCreateBody } from './runForm'

describe('formatDays', () => {
  it.each([
    [[0, 1, 2, 3, 4, 5, 6], 'daily'],
    [[0, 1, 2, 3, 4], 'mon-fri'],
    [[4, 5, 6, 0], 'fri-mon'],
    [[0, 2, 4], 'mon,wed,fri'],
    [[5], 'sat'],
    [[0, 1, 3, 4, 5], 'mon-tue,thu-sat'],
    [[], ''],
  ])('formats %j as %s', (days, expected) => {
    expect(formatDays(days)).toBe(expected)
  })
})

describe('callingWindowText', () => {
  it('joins days and hours, or is null without a window', () => {
    const form = { ...defaultRunForm('UTC'), days: [0, 1, 2, 3, 4], start: '08:30', end: '17:00' }
    expect(callingWindowText(form)).toBe('mon-fri 08:30-17:00')
    expect(callingWindowText({ ...form, useWindow: false })).toBeNull()
  })
})

describe('numberOrText', () => {
  it('reads numbers and keeps anything else as typed', () => {
    expect(numberOrText(' 0 ')).toBe(0)
    expect(numberOrText('2.5')).toBe(2.5)
    expect(numberOrText('ten')).toBe('ten')
    expect(numberOrText('')).toBe('')
  })
})

describe('runCreateBody', () => {
  it('builds a simulator run with zero latency', () => {
    const form = { ...defaultRunForm('America/New_York'), name: ' Morning wave ', useWindow: false, latencySeconds: '0', seed: '7' }
    const body = runCreateBody(form)

    expect(body.name).toBe('Morning wave')
    expect(body.settings.calling_window).toBeNull()
    expect(body.settings.default_timezone).toBe('America/New_York')
    expect(body.settings.max_concurrent_calls).toBe(10)
    expect(body.settings.simulator?.latency_seconds).toBe(0)
    expect(body.settings.simulator?.seed).toBe(7)
    expect(body.settings.simulator?.outcomes).toEqual({ answered: 0.5, voicemail: 0.2, no_answer: 0.25, busy: 0.05, failed: 0 })
  })

  it('leaves latency null when blank and drops blank outcomes', () => {
    const form = defaultRunForm('UTC')
    form.outcomes.failed = ''
    const body = runCreateBody(form)

    expect(body.settings.simulator?.latency_seconds).toBeNull()
    expect(Object.keys(body.settings.simulator?.outcomes ?? {})).not.toContain('failed')
  })

  it('sends no simulator settings for another provider', () => {
    const body = runCreateBody({ ...defaultRunForm('UTC'), provider: 'twilio' })
    expect(body.settings.provider).toBe('twilio')
    expect(body.settings.simulator).toBeUndefined()
  })
})

describe('formProblems', () => {
  const form = defaultRunForm('UTC')

  it('accepts the default form', () => {
    expect(formProblems(form)).toEqual({})
  })

  it('asks for at least one calling day', () => {
    expect(formProblems({ ...form, days: [] }).calling_window).toBe('Choose at least one calling day, or tick No calling window.')
  })

  it('explains a window that ends before it starts', () => {
    expect(formProblems({ ...form, start: '22:00', end: '06:00' }).calling_window).toBe(
      'Until (06:00) must be later than From (22:00): a calling window cannot run past midnight.',
    )
  })

  it('ignores the window when there is none', () => {
    expect(formProblems({ ...form, useWindow: false, days: [] }).calling_window).toBeUndefined()
  })

  it('rejects zero and fractional concurrent calls', () => {
    expect(formProblems({ ...form, maxConcurrentCalls: '0' }).max_concurrent_calls).toBe('Max concurrent calls must be a whole number of at least 1.')
    expect(formProblems({ ...form, maxConcurrentCalls: '1.5' }).max_concurrent_calls).toBeDefined()
    expect(formProblems({ ...form, maxConcurrentCalls: '' }).max_concurrent_calls).toBeDefined()
  })
})
