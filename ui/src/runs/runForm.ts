// The "New run" form's values and the request body they become. Numbers the user
// typed badly are sent as typed, so that the API's message names the field.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export const CALL_OUTCOMES = ['answered', 'voicemail', 'no_answer', 'busy', 'failed'] as const
export const PROVIDERS = ['simulator', 'twilio', 'webhook'] as const

export type CallOutcome = (typeof CALL_OUTCOMES)[number]
export type Provider = (typeof PROVIDERS)[number]

export interface RunForm {
  name: string
  useWindow: boolean
  /** Chosen weekdays, 0 is Monday. */
  days: number[]
  start: string
  end: string
  timezone: string
  maxConcurrentCalls: string
  provider: Provider
  outcomes: Record<CallOutcome, string>
  seed: string
  /** Seconds a simulated call or SMS takes; blank means realistic ring and talk times. */
  latencySeconds: string
}

/** Return the form's starting values, which match the API's defaults except the zone. */
export function defaultRunForm(timezone: string): RunForm {
  return {
    name: '',
    useWindow: true,
    days: [0, 1, 2, 3, 4, 5, 6],
    start: '09:00',
    end: '20:00',
    timezone,
    maxConcurrentCalls: '10',
    provider: 'simulator',
    outcomes: { answered: '0.5', voicemail: '0.2', no_answer: '0.25', busy: '0.05', failed: '0' },
    seed: '0',
    latencySeconds: '',
  }
}

/** Format weekdays as the API does: 'daily', 'mon-fri', 'fri-mon' (wrapping) or 'mon,wed,fri'. */
export function formatDays(days: number[]): string {
  const chosen = new Set(days.filter((day) => day >= 0 && day < 7))
  if (chosen.size === 7) return 'daily'

  // A span starts at a chosen day whose previous day is not chosen; spans may wrap past Sunday.
  const parts: string[] = []
  for (const first of [...chosen].sort((a, b) => a - b)) {
    if (chosen.has((first + 6) % 7)) continue
    let last = first
    while (chosen.has((last + 1) % 7) && (last + 1) % 7 !== first) last = (last + 1) % 7
    parts.push(last === first ? WEEKDAYS[first] : `${WEEKDAYS[first]}-${WEEKDAYS[last]}`)
  }
  return parts.join(',')
}

export function callingWindowText(form: RunForm): string | null {
  if (!form.useWindow) return null
  return `${formatDays(form.days)} ${form.start}-${form.end}`.trim()
}

/** Return the text as a number when it is one, else trimmed, so that the API rejects it with its reason. */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim()
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed
}

export interface RunCreateBody {
  name: string
  settings: {
    calling_window: string | null
    default_timezone: string
    max_concurrent_calls: number | string
    provider: Provider
    simulator?: {
      outcomes: Record<string, number | string>
      seed: number | string
      latency_seconds: number | string | null
    }
  }
}

export function runCreateBody(form: RunForm): RunCreateBody {
  const body: RunCreateBody = {
    name: form.name.trim(),
    settings: {
      calling_window: callingWindowText(form),
      default_timezone: form.timezone,
      max_concurrent_calls: numberOrText(form.maxConcurrentCalls),
      provider: form.provider,
    },
  }
  if (form.provider !== 'simulator') return body

  // An outcome left blank is left out, so its weight is zero.
  const outcomes: Record<string, number | string> = {}
  for (const outcome of CALL_OUTCOMES) {
    if (form.outcomes[outcome].trim() !== '') outcomes[outcome] = numberOrText(form.outcomes[outcome])
  }
  body.settings.simulator = {
    outcomes,
    seed: form.seed.trim() === '' ? 0 : numberOrText(form.seed),
    latency_seconds: form.latencySeconds.trim() === '' ? null : numberOrText(form.latencySeconds),
  }
  return body
}

export type FormProblems = Partial<Record<'calling_window' | 'max_concurrent_calls', string>>

/** Checks what the API would reject, and words each problem in the form's own labels. */
export function formProblems(form: RunForm): FormProblems {
  const problems: FormProblems = {}
  const window = windowProblem(form)
  if (window) problems.calling_window = window

  const calls = Number(form.maxConcurrentCalls.trim())
  if (form.maxConcurrentCalls.trim() === '' || !Number.isInteger(calls) || calls < 1) {
    problems.max_concurrent_calls = 'Max concurrent calls must be a whole number of at least 1.'
  }
  return problems
}

function windowProblem(form: RunForm): string | undefined {
  if (!form.useWindow) return undefined
  if (form.days.length === 0) return 'Choose at least one calling day, or tick No calling window.'
  if (!form.start || !form.end) return 'Enter both a From and an Until time.'

  // 'HH:MM' strings compare in time order. The API rejects a range that runs past midnight.
  if (form.end <= form.start) {
    return `Until (${form.end}) must be later than From (${form.start}): a calling window cannot run past midnight.`
  }
  return undefined
}
