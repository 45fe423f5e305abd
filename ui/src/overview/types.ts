// Shapes of the JSON behind the Overview tab: journey stats and calls over time.

export interface NodeStats {
  node_id: string
  entered: number
  on_now: number
  left: number
}

export interface Stats {
  journey_id: number
  run_id: number | null
  since: string | null
  until: string | null
  recipients: number
  by_status: Record<string, number>
  calls_placed: number
  calls_answered: number
  calls_with_final_outcome: number
  answer_rate: number | null
  average_talk_time_seconds: number | null
  voicemail: number
  no_answer: number
  busy: number
  calls_failed: number
  calls_cancelled: number
  sms_sent: number
  sms_delivered: number
  sms_failed: number
  nodes: NodeStats[]
}

export type Bucket = 'minute' | 'hour' | 'day'

export const CHART_OUTCOMES = ['answered', 'voicemail', 'no_answer', 'busy', 'failed', 'cancelled'] as const

export type ChartOutcome = (typeof CHART_OUTCOMES)[number]

export type CallBucket = { start: string } & Record<ChartOutcome, number>

export interface CallSeries {
  journey_id: number
  run_id: number | null
  bucket: Bucket
  since: string | null
  until: string | null
  /** True when the range had too many days, so only its last days are listed. */
  clipped: boolean
  series: CallBucket[]
}
