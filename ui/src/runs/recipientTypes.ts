// Shapes of the recipient routes' JSON and of runs with their counts.

import type { RunSettings } from './runTypes'

export interface RecipientSummary {
  id: number
  run_id: number
  phone_number: string
  phone_extension: string | null
  data: Record<string, unknown>
  status: string
  current_node: string | null
  next_at: string | null
  result: string | null
  failure_reason: string | null
  calls_placed: number
  sms_sent: number
  last_call_outcome: string | null
  client_key: string | null
}

export interface RecipientPage {
  items: RecipientSummary[]
  next_cursor: string | null
}

export interface RecipientEvent {
  id: number
  at: string
  node_id: string | null
  type: string
  detail: string | null
}

export interface Recipient extends RecipientSummary {
  line: number | null
  timezones: string | null
  phase: string
  steps: number
  outputs: Record<string, unknown>
  calls_answered: number
  talk_time_seconds: number
  started_at: string | null
  finished_at: string | null
  updated_at: string | null
  events: RecipientEvent[]
}

export type { RunSettings }
