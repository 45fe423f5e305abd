// Shapes of the API's JSON, as `/openapi.json` describes them. Each screen adds the
// shapes only it uses in its own module.

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'datetime' | 'phone' | 'email' | 'enum'

export interface DataField {
  name: string
  type: FieldType
  required?: boolean
  default?: unknown
  choices?: string[]
}

export type NodeType = 'start' | 'call' | 'sms' | 'time_delay' | 'wait_until' | 'branch' | 'end'

export interface Position {
  x: number
  y: number
}

export type Condition =
  | { subject: string; op: string; value?: unknown }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }

export interface BranchCase {
  label: string
  when: Condition
  next?: string
}

/** One node of a journey document. Settings other than these common keys depend on `type`. */
export interface JourneyNode {
  id: string
  type: NodeType
  label?: string
  position?: Position
  next?: string
  cases?: BranchCase[]
  default?: string
  [setting: string]: unknown
}

export interface JourneyDocument {
  name: string
  fields: DataField[]
  nodes: JourneyNode[]
  [key: string]: unknown
}

export interface JourneySummary {
  id: number
  name: string
  current_version: number
  created_at: string
  updated_at: string
}

export interface Journey extends JourneySummary {
  version: number
  document: JourneyDocument
}

export interface Problem {
  node_id: string | null
  path: string | null
  message: string
}

export interface ValidationResult {
  valid: boolean
  problems: Problem[]
  name: string | null
  nodes: number | null
}

export type Role = 'viewer' | 'operator' | 'admin'

export interface WhoAmI {
  role: Role
  user_id: number | null
  email: string | null
  api_key_id: number | null
  /** False for a user who can sign in only by one-time links so far; null for an API key. */
  has_password: boolean | null
}

export interface SenderNumber {
  number: string
  label: string | null
  calls_per_second: number
  created_at: string
}

export interface Agent {
  name: string
  description: string | null
  stream_url: string | null
  sip_uri: string | null
  webhook_url: string | null
  has_webhook_secret: boolean
  created_at: string
}
