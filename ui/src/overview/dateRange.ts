// The Overview's date filter: whole days in the browser's time zone, sent to the API
// as a half-open range [since, until) of ISO 8601 times with their UTC offset.

export interface DateRange {
  /** The first day, 'YYYY-MM-DD', or '' for no lower bound. */
  from: string
  /** The last day included, 'YYYY-MM-DD', or '' for no upper bound. */
  to: string
}

export interface RangeQuery {
  since?: string
  until?: string
}

export type RangeResult = { query: RangeQuery; error?: undefined } | { query?: undefined; error: string }

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Converts a day range to `since` (start of `from`) and `until` (start of the day after `to`) in `timeZone`. */
export function rangeQuery(range: DateRange, timeZone: string): RangeResult {
  if (range.from && !DAY.test(range.from)) return { error: `the start date ${range.from} is not a date; pick one in the calendar` }
  if (range.to && !DAY.test(range.to)) return { error: `the end date ${range.to} is not a date; pick one in the calendar` }
  if (range.from && range.to && range.to < range.from) {
    return { error: `the end date ${range.to} is before the start date ${range.from}; pick a later end date` }
  }

  const query: RangeQuery = {}
  if (range.from) query.since = startOfDay(range.from, 0, timeZone)
  if (range.to) query.until = startOfDay(range.to, 1, timeZone)
  return { query }
}

/** Returns the ISO 8601 time, with offset, at which the day `days` after `day` starts in `timeZone`. */
export function startOfDay(day: string, days: number, timeZone: string): string {
  const [, year, month, date] = DAY.exec(day) as RegExpExecArray
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(date) + days)

  // The offset at the wall time read as UTC is right unless a change of offset lies
  // between the two instants, so it is read a second time at the first guess.
  const firstGuess = wall - offsetMinutes(wall, timeZone) * 60_000
  const offset = offsetMinutes(firstGuess, timeZone)
  const instant = wall - offset * 60_000
  return formatWithOffset(instant, offsetMinutes(instant, timeZone))
}

/** Returns the UTC offset of `timeZone` at `instant` (milliseconds since 1970), in minutes east of UTC. */
export function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'))
  return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000)
}

function formatWithOffset(instant: number, offset: number): string {
  const wall = new Date(instant + offset * 60_000).toISOString().slice(0, 19)
  const sign = offset < 0 ? '-' : '+'
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0')
  return `${wall}${sign}${hours}:${minutes}`
}

/** Returns the browser's IANA time zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}
