// Checks of `wait_until` and `time_delay` settings as the server makes them
// (`journeys.domain.durations` and `journeys.domain.references.offset_problem`).

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const OFFSET = /^\s*([+-])\s*(\d+(?:\.\d+)?)\s*(minute|minutes|hour|hours|day|days|week|weeks)\s*$/i
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400, week: 604800 }
const MAX_OFFSET_SECONDS = 36525 * 86400
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/

/** Returns why `text` is not an offset such as `+3 days`, or undefined when it is one. */
export function offsetProblem(text: string): string | undefined {
  const match = OFFSET.exec(text)
  if (!match) {
    return `invalid offset '${text}': write a sign, a number and a unit, such as '+3 days', '-2 hours' or '+30 minutes'`
  }
  const unit = match[3].toLowerCase().replace(/s$/, '')
  const seconds = Number(match[2]) * UNIT_SECONDS[unit]
  if (seconds > MAX_OFFSET_SECONDS) return `offset '${text}' is too large; use at most 100 years`
  return undefined
}

/** Returns why `text` is not a 24-hour time such as 09:30, or undefined. */
export function timeOfDayProblem(text: string): string | undefined {
  return TIME_OF_DAY.test(text) ? undefined : `'${text}' must be a 24-hour time of day such as 09:30`
}

/** Returns why `text` is not a positive whole number, or undefined. */
export function positiveIntegerProblem(text: string): string | undefined {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed) || Number(trimmed) <= 0) return `'${text}' is not a positive whole number; enter 1 or more`
  return undefined
}

/**
 * Returns why `text` is not a whole number from `min` to `max`, or undefined.
 * An empty box is fine, because the setting then takes its default.
 */
export function boundedIntegerProblem(text: string, min: number, max: number): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  if (!/^\d+$/.test(trimmed)) return `'${text}' is not a whole number; enter ${min} to ${max}`
  const value = Number(trimmed)
  if (value < min || value > max) return `${value} is out of range; enter ${min} to ${max}`
  return undefined
}

/** Reads a `wait_until` `at` value into what a datetime-local box shows (`YYYY-MM-DDTHH:MM`). */
export function localInputValue(at: unknown): string {
  if (typeof at !== 'string') return ''
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(at)
  return match ? `${match[1]}T${match[2]}` : ''
}

/** Returns whether an ISO datetime text carries a UTC offset or `Z`. */
export function hasUtcOffset(at: unknown): boolean {
  return typeof at === 'string' && /(Z|[+-]\d{2}:?\d{2})$/i.test(at.trim())
}
