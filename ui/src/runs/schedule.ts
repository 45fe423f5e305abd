// Schedules are a local date and time plus an IANA zone, and the API stores them in
// UTC. These helpers build the request and show a UTC instant in any zone.

export interface ScheduleBody {
  /** Local wall time, 'YYYY-MM-DD HH:MM'. */
  at: string
  timezone: string
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** Return every IANA zone the browser supports, sorted, with UTC and any `extra` zones included. */
export function timeZoneList(extra: string[] = []): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return [...new Set(['UTC', ...known, ...extra.filter(Boolean)])].sort()
}

export function scheduleBody(date: string, time: string, timezone: string): ScheduleBody {
  return { at: `${date.trim()} ${time.trim()}`, timezone }
}

/** Return the wall date ('YYYY-MM-DD') and time ('HH:MM') of an instant in a zone. */
export function wallTime(instant: Date, timezone: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((item) => item.type === type)?.value ?? ''
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}` }
}

/** Propose a start: the first full hour at least one hour after `now`, as a wall time in `timezone`. */
export function proposedStart(now: Date, timezone: string): { date: string; time: string } {
  const hour = 3_600_000
  const next = new Date(Math.ceil((now.getTime() + hour) / hour) * hour)
  return wallTime(next, timezone)
}

/** Format a UTC instant in a zone, with the zone's short name, e.g. 'Mar 5, 2026, 11:00 PM GMT+9'. */
export function formatInZone(iso: string, timezone: string, locale?: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(locale, {
    timeZone: timezone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date)
}

/** Return the zone of a run's `schedule_local` ('2026-03-05 09:00 Asia/Tokyo'), or undefined. */
export function scheduleZone(scheduleLocal: string | null | undefined): string | undefined {
  const zone = scheduleLocal?.trim().split(/\s+/)[2]
  return zone || undefined
}

export interface ScheduleSummary {
  /** The start in the zone it was scheduled in. */
  chosen: string
  /** The start in the browser's zone, left out when the zones are the same. */
  browser?: string
}

/** Describe a scheduled start in its own zone and, where it differs, in the browser's. */
export function describeSchedule(scheduledAt: string, scheduleLocal: string | null, viewerZone: string, locale?: string): ScheduleSummary {
  const zone = scheduleZone(scheduleLocal) ?? 'UTC'
  const chosen = inZoneNamed(scheduledAt, zone, locale)
  if (zone === viewerZone) return { chosen }
  return { chosen, browser: inZoneNamed(scheduledAt, viewerZone, locale) }
}

/** Formats an instant in `zone` and adds the zone's name unless the short zone name already is it ('5:30 AM UTC'). */
function inZoneNamed(instant: string, zone: string, locale?: string): string {
  const text = formatInZone(instant, zone, locale)
  return text.endsWith(` ${zone}`) ? text : `${text} (${zone})`
}
