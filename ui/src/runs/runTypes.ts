// Shapes of the run routes' JSON.

export interface RunSettings {
  calling_window: string | null
  default_timezone: string
  max_concurrent_calls: number
  provider: string
  simulator: {
    outcomes: Record<string, number>
    seed: number
    latency_seconds: number | null
    sms_failure_rate: number
  }
}

export interface Run {
  id: number
  journey_id: number
  name: string
  status: string
  settings: RunSettings
  scheduled_at: string | null
  schedule_local: string | null
  started_at: string | null
  finished_at: string | null
  failure_reason: string | null
  created_at: string
  updated_at: string
}

export interface RunListItem extends Run {
  recipient_count: number
}

export interface RunDetail extends Run {
  /** Recipients by status. */
  recipients: Record<string, number>
}

export const RECIPIENT_STATUSES = ['pending', 'active', 'waiting', 'delayed', 'completed', 'failed', 'cancelled'] as const
