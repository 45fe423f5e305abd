// The time zones a picker offers: the browser's IANA list, with UTC and the current value.

const FALLBACK_ZONES = ['UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'Europe/London']

/** Lists IANA time zone names, sorted, including UTC and `current` when it is set. */
export function timeZoneNames(current?: string): string[] {
  const names = new Set(supportedZones())
  names.add('UTC')
  if (current) names.add(current)
  return [...names].sort()
}

/** Returns the browser's own time zone, used as the first choice for a fixed time. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

function supportedZones(): string[] {
  // NOTE: older browsers lack Intl.supportedValuesOf, so they offer only this short list.
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] }
  return typeof intl.supportedValuesOf === 'function' ? intl.supportedValuesOf('timeZone') : FALLBACK_ZONES
}
