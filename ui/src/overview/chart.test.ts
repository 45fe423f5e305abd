import { describe, expect, it } from 'vitest'
import { barLayout, niceScale, scaleHeight, stackBars } from './chart'
import { CHART_OUTCOMES, type CallBucket } from './types'

function bucket(start: string, counts: Partial<CallBucket>): CallBucket {
  return { start, answered: 0, voicemail: 0, no_answer: 0, busy: 0, failed: 0, cancelled: 0, ...counts }
}

describe('niceScale', () => {
  it('rounds the top up to a whole step', () => {
    expect(niceScale(7)).toEqual({ max: 8, step: 2, ticks: [0, 2, 4, 6, 8] })
    expect(niceScale(10)).toEqual({ max: 10, step: 2, ticks: [0, 2, 4, 6, 8, 10] })
    expect(niceScale(230).step).toBe(50)
    expect(niceScale(230).max).toBe(250)
  })

  it('uses whole calls for small counts', () => {
    expect(niceScale(1)).toEqual({ max: 1, step: 1, ticks: [0, 1] })
    expect(niceScale(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] })
  })

  it('draws an empty chart from 0 to 1', () => {
    expect(niceScale(0)).toEqual({ max: 1, step: 1, ticks: [0, 1] })
  })
})

describe('stackBars', () => {
  it('stacks outcomes in order and skips empty ones', () => {
    const [bar] = stackBars([bucket('2026-03-02T15:00:00Z', { answered: 3, busy: 1, failed: 2 })], CHART_OUTCOMES)

    expect(bar.total).toBe(6)
    expect(bar.segments).toEqual([
      { outcome: 'answered', from: 0, to: 3 },
      { outcome: 'busy', from: 3, to: 4 },
      { outcome: 'failed', from: 4, to: 6 },
    ])
  })

  it('keeps empty buckets as bars without segments', () => {
    const bars = stackBars([bucket('a', {}), bucket('b', { voicemail: 2 })], CHART_OUTCOMES)

    expect(bars.map((bar) => [bar.index, bar.total, bar.segments.length])).toEqual([[0, 0, 0], [1, 2, 1]])
  })
})

describe('barLayout', () => {
  it('splits the width into slots with gaps', () => {
    const layout = barLayout(4, 400)
    expect(layout.slot).toBe(100)
    expect(layout.barWidth).toBe(80)
    expect(layout.x(0)).toBe(10)
    expect(layout.x(3)).toBe(310)
  })

  it('caps the bar width and centres the bar in its slot', () => {
    const layout = barLayout(1, 900, 60)
    expect(layout.barWidth).toBe(60)
    expect(layout.x(0)).toBe(420)
  })

  it('drops the gap when bars are thin', () => {
    const layout = barLayout(500, 1000)
    expect(layout.barWidth).toBe(2)
    expect(layout.x(1)).toBe(2)
  })
})

describe('scaleHeight', () => {
  it('maps the top of the scale to the full height', () => {
    const scale = niceScale(7)
    expect(scaleHeight(8, scale, 200)).toBe(200)
    expect(scaleHeight(2, scale, 200)).toBe(50)
  })
})
