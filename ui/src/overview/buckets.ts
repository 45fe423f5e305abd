// Time buckets of the calls chart: which lengths suit a date range, and how a
// bucket's start reads on an axis and in the table.
import type { RangeQuery } from './dateRange'
import type { Bucket } from './types'

export const BUCKET_SECONDS: Record<Bucket, number> = { minute: 60, hour: 3600, day: 86400 }

/** The server's maximum number of buckets per response; a finer bucket over the range gets 422. */
export const MAX_BUCKETS = 500

export const BUCKET_NAMES: Record<Bucket, string> = { minute: 'minute', hour: 'hour', day: 'day' }

export interface BucketChoice {
  /** The bucket, or '' for the server's automatic choice. */
  value: Bucket | ''
  label: string
  /** Why the choice is disabled, when it is. */
  disabledReason?: string
}

/** Returns how many buckets of `bucket` split [since, until), rounding a cut-short last bucket up. */
export function bucketCount(since: string, until: string, bucket: Bucket): number {
  const seconds = (Date.parse(until) - Date.parse(since)) / 1000
  return Math.max(Math.ceil(seconds / BUCKET_SECONDS[bucket]), 0)
}

/** Lists the bucket choices for a range; a closed range disables lengths that make too many buckets. */
export function bucketChoices(query: RangeQuery): BucketChoice[] {
  const choices: BucketChoice[] = [{ value: '', label: 'Automatic' }]
  for (const bucket of ['minute', 'hour', 'day'] as Bucket[]) {
    const choice: BucketChoice = { value: bucket, label: `Per ${BUCKET_NAMES[bucket]}` }
    if (query.since && query.until) {
      const count = bucketCount(query.since, query.until, bucket)
      if (count > MAX_BUCKETS) {
        choice.disabledReason = `${count.toLocaleString()} buckets, more than ${MAX_BUCKETS}`
        choice.label += ` (${choice.disabledReason})`
      }
    }
    choices.push(choice)
  }
  return choices
}

/** Returns `wanted` when the range allows it, else '' (automatic), so that a narrowed range never keeps an invalid choice. */
export function allowedBucket(wanted: Bucket | '', query: RangeQuery): Bucket | '' {
  const choice = bucketChoices(query).find((candidate) => candidate.value === wanted)
  return choice && !choice.disabledReason ? wanted : ''
}

/** Returns a short axis label for a bucket's start: a time for minutes and hours, a date for days. */
export function axisLabel(start: string, bucket: Bucket, timeZone?: string): string {
  const date = new Date(start)
  if (bucket === 'day') return date.toLocaleDateString('en-US', { timeZone, month: 'short', day: 'numeric' })
  return date.toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' })
}

/** Returns a bucket's start with its date, for the table and the tooltips. */
export function fullLabel(start: string, bucket: Bucket, timeZone?: string): string {
  const date = new Date(start)
  if (bucket === 'day') return date.toLocaleDateString('en-US', { timeZone, dateStyle: 'medium' })
  return date.toLocaleString('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' })
}

/** Picks at most `maxTicks` evenly spaced indexes of `count` bars to label, the first always included. */
export function tickIndexes(count: number, maxTicks: number): number[] {
  if (count <= 0) return []
  const step = Math.max(Math.ceil(count / Math.max(maxTicks, 1)), 1)
  const indexes = []
  for (let index = 0; index < count; index += step) indexes.push(index)
  return indexes
}
