// Scaling and stacking of the calls chart, apart from the SVG that draws it.
import type { CallBucket, ChartOutcome } from './types'

export interface Scale {
  /** The top of the axis: a multiple of `step` at or above the data's maximum. */
  max: number
  step: number
  ticks: number[]
}

export interface Segment {
  outcome: ChartOutcome
  /** The stack height below this segment, in calls. */
  from: number
  to: number
}

export interface StackedBar {
  index: number
  start: string
  total: number
  segments: Segment[]
}

/** Returns an axis from 0 with whole-number steps of 1, 2 or 5 times a power of ten, about `targetTicks` of them. */
export function niceScale(dataMax: number, targetTicks = 5): Scale {
  if (!(dataMax > 0)) return { max: 1, step: 1, ticks: [0, 1] }
  const rough = dataMax / Math.max(targetTicks, 1)
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = Math.max([1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough) as number, 1)
  const max = Math.ceil(dataMax / step) * step
  const ticks = []
  for (let value = 0; value <= max; value += step) ticks.push(value)
  return { max, step, ticks }
}

/** Stacks each bucket's outcomes in `outcomes` order, leaving out empty segments. */
export function stackBars(series: CallBucket[], outcomes: readonly ChartOutcome[]): StackedBar[] {
  return series.map((bucket, index) => {
    let height = 0
    const segments: Segment[] = []
    for (const outcome of outcomes) {
      const calls = bucket[outcome] ?? 0
      if (calls <= 0) continue
      segments.push({ outcome, from: height, to: height + calls })
      height += calls
    }
    return { index, start: bucket.start, total: height, segments }
  })
}

export interface BarLayout {
  /** The horizontal room of one bucket. */
  slot: number
  /** The drawn width of a bar inside its slot. */
  barWidth: number
  /** The left edge of the bar of bucket `index`. */
  x: (index: number) => number
}

/**
 * Spreads `count` bars across `width`, with a gap of a fifth of a slot between bars
 * once they are 3 units wide or more. A bar is at most `maxBarWidth` wide, centred in
 * its slot, so that a few buckets do not draw slabs.
 */
export function barLayout(count: number, width: number, maxBarWidth = Infinity): BarLayout {
  const slot = count > 0 ? width / count : width
  const gap = slot >= 3 ? slot * 0.2 : 0
  const barWidth = Math.min(slot - gap, maxBarWidth)
  return { slot, barWidth, x: (index) => index * slot + (slot - barWidth) / 2 }
}

/** Maps a number of calls to a height in the chart's units, with the scale's max at `height`. */
export function scaleHeight(calls: number, scale: Scale, height: number): number {
  return (calls / scale.max) * height
}
