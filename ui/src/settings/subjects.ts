// The values a condition or template at one node can read: the data fields, the outputs
// of the nodes a recipient may have passed, and the recipient's attributes. The
// catalog mirrors `journeys.domain.outputs` on the server.
import type { DataField, FieldType, JourneyDocument, JourneyNode, NodeType } from '../api/types'
import { ancestors } from '../graph/ancestors'

/** A value type: a data field type, or `any` for values the journey cannot know in advance. */
export type ValueType = FieldType | 'any'

export type SubjectGroup = 'Data fields' | 'Earlier nodes' | 'Recipient'

export interface Subject {
  /** The condition subject, such as `data.balance` or `nodes.call_1.outcome`. */
  name: string
  group: SubjectGroup
  type: ValueType
  /** Every value the subject can take, when it is enumerated. */
  choices?: string[]
  description: string
  /** Set on a call's `data` output: the subject is `<name>.<key>` with a key the agent reports. */
  takesKey?: boolean
}

interface OutputSpec {
  name: string
  type: ValueType
  description: string
  choices?: string[]
  takesKey?: boolean
}

export const CALL_OUTCOMES = ['answered', 'voicemail', 'no_answer', 'busy', 'failed', 'cancelled']
export const ANSWERED_BY = ['human', 'machine', 'unknown']
export const SMS_STATUSES = ['sent', 'delivered', 'undelivered', 'failed']
export const SMS_ENCODINGS = ['GSM-7', 'UCS-2']
/** The label a branch records as `taken` when no case matches. */
export const DEFAULT_CASE_LABEL = 'default'
export const BUILTIN_FIELDS: DataField[] = [
  { name: 'phone_number', type: 'phone', required: true },
  { name: 'timezone', type: 'string' },
]

const NODE_OUTPUTS: Record<NodeType, OutputSpec[]> = {
  start: [],
  call: [
    { name: 'outcome', type: 'enum', description: 'How the call ended', choices: CALL_OUTCOMES },
    { name: 'answered_by', type: 'enum', description: 'A person, a machine or unknown', choices: ANSWERED_BY },
    { name: 'talk_time_seconds', type: 'number', description: 'Seconds of conversation after the answer' },
    { name: 'duration_seconds', type: 'number', description: 'Seconds from dialling to hang-up' },
    { name: 'ended_reason', type: 'string', description: "The provider's reason the call ended" },
    { name: 'attempt', type: 'integer', description: 'Calls this node has placed to the recipient' },
    { name: 'data', type: 'any', description: 'A value the agent reported, by its key', takesKey: true },
  ],
  sms: [
    { name: 'status', type: 'enum', description: 'The last delivery status', choices: SMS_STATUSES },
    { name: 'segments', type: 'integer', description: 'SMS segments the message used' },
    { name: 'encoding', type: 'enum', description: 'The character encoding the message needed', choices: SMS_ENCODINGS },
  ],
  time_delay: [],
  wait_until: [],
  branch: [{ name: 'taken', type: 'enum', description: 'The label of the case taken' }],
  end: [],
}

const RECIPIENT_ATTRIBUTES: OutputSpec[] = [
  { name: 'calls_placed', type: 'integer', description: 'Calls placed to the recipient in this run' },
  { name: 'calls_answered', type: 'integer', description: 'Calls a person answered in this run' },
  { name: 'sms_sent', type: 'integer', description: 'SMS sent to the recipient in this run' },
  { name: 'last_call_outcome', type: 'enum', description: 'The outcome of the latest call', choices: CALL_OUTCOMES },
  { name: 'timezone', type: 'string', description: "The recipient's IANA time zone" },
]

/** Lists the outputs that nodes of `type` provide, as `nodes.<id>.<output>` names. */
export function nodeOutputs(node: JourneyNode): Subject[] {
  return (NODE_OUTPUTS[node.type] ?? []).map((output) => ({
    name: `nodes.${node.id}.${output.name}`,
    group: 'Earlier nodes',
    type: output.type,
    choices: node.type === 'branch' ? branchLabels(node) : output.choices,
    description: `${output.description} (${node.label || node.id})`,
    takesKey: output.takesKey,
  }))
}

/** Lists every subject a condition at `nodeId` can read, grouped in picker order. */
export function listSubjects(document: JourneyDocument, nodeId: string): Subject[] {
  const fields = [...BUILTIN_FIELDS, ...document.fields].map(fieldSubject)
  const outputs = ancestors(document, nodeId).flatMap(nodeOutputs)
  const recipient = RECIPIENT_ATTRIBUTES.map(
    (attribute): Subject => ({
      name: `recipient.${attribute.name}`,
      group: 'Recipient',
      type: attribute.type,
      choices: attribute.choices,
      description: attribute.description,
    }),
  )
  return [...fields, ...outputs, ...recipient]
}

/**
 * Finds the subject a condition names. `nodes.<id>.data.<key>` resolves to the call's
 * `data` output, and a bare field name to its `data.` form.
 */
export function findSubject(subjects: Subject[], name: string): Subject | undefined {
  const exact = subjects.find((subject) => subject.name === name)
  if (exact) return exact

  const keyed = subjects.find((subject) => subject.takesKey && name.startsWith(`${subject.name}.`))
  if (keyed) return keyed
  return name.includes('.') ? undefined : subjects.find((subject) => subject.name === `data.${name}`)
}

function fieldSubject(field: DataField): Subject {
  const builtin = BUILTIN_FIELDS.some((builtinField) => builtinField.name === field.name)
  return {
    name: `data.${field.name}`,
    group: 'Data fields',
    type: field.type ?? 'string',
    choices: fieldChoices(field),
    description: builtin ? 'Built-in field' : `${field.type ?? 'string'} field`,
  }
}

function fieldChoices(field: DataField): string[] | undefined {
  if (field.type === 'enum') return field.choices
  return field.type === 'boolean' ? ['true', 'false'] : undefined
}

function branchLabels(node: JourneyNode): string[] {
  const labels = (node.cases ?? []).map((branchCase) => branchCase.label).filter((label) => Boolean(label))
  return [...labels, DEFAULT_CASE_LABEL]
}
