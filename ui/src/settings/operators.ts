// The operators a condition offers for a subject's type, and what value each needs.
import type { Subject, ValueType } from './subjects'

export const OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
  'in',
  'not_in',
  'is_empty',
  'is_not_empty',
  'is_true',
  'is_false',
  'before',
  'after',
] as const

export type Operator = (typeof OPERATORS)[number]

export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: 'equals',
  not_equals: 'does not equal',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  ends_with: 'ends with',
  greater_than: 'is greater than',
  greater_or_equal: 'is at least',
  less_than: 'is less than',
  less_or_equal: 'is at most',
  in: 'is one of',
  not_in: 'is none of',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  is_true: 'is true',
  is_false: 'is false',
  before: 'is before',
  after: 'is after',
}

const EMPTINESS: Operator[] = ['is_empty', 'is_not_empty']
const TEXT: Operator[] = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', ...EMPTINESS]
const NUMBER: Operator[] = ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'in', 'not_in', ...EMPTINESS]

const BY_TYPE: Record<ValueType, Operator[]> = {
  string: TEXT,
  phone: TEXT,
  email: TEXT,
  enum: ['equals', 'not_equals', 'in', 'not_in', ...EMPTINESS],
  number: NUMBER,
  integer: NUMBER,
  boolean: ['is_true', 'is_false', ...EMPTINESS],
  date: ['before', 'after', 'equals', 'not_equals', ...EMPTINESS],
  datetime: ['before', 'after', 'equals', 'not_equals', ...EMPTINESS],
  any: [...OPERATORS],
}

const UNARY = new Set<string>(['is_empty', 'is_not_empty', 'is_true', 'is_false'])
const LIST = new Set<string>(['in', 'not_in'])
const ORDERING = new Set<string>(['greater_than', 'greater_or_equal', 'less_than', 'less_or_equal'])
const MOMENT = new Set<string>(['before', 'after'])

/** Lists the operators that suit a subject of `type`, most useful first. */
export function operatorsFor(type: ValueType): Operator[] {
  return BY_TYPE[type] ?? [...OPERATORS]
}

/** Lists the remaining operators, which the server accepts on any subject too. */
export function otherOperators(type: ValueType): Operator[] {
  const suited = new Set(operatorsFor(type))
  return OPERATORS.filter((op) => !suited.has(op))
}

export function isOperator(op: string): op is Operator {
  return (OPERATORS as readonly string[]).includes(op)
}

/** The kind of box in which a comparison's value is entered. */
export type ValueInput = 'none' | 'choice' | 'choices' | 'number' | 'numbers' | 'list' | 'moment' | 'text'

/** Picks the value input for `op` on `subject`: choices where the values are known, a typed box otherwise. */
export function valueInputFor(op: string, subject: Subject | undefined): ValueInput {
  if (UNARY.has(op)) return 'none'

  const choices = subject?.choices
  const numeric = subject?.type === 'number' || subject?.type === 'integer'
  if (LIST.has(op)) {
    if (choices) return 'choices'
    return numeric ? 'numbers' : 'list'
  }
  if (MOMENT.has(op)) return 'moment'
  if (ORDERING.has(op)) return 'number'
  if (choices && (op === 'equals' || op === 'not_equals')) return 'choice'
  return numeric && (op === 'equals' || op === 'not_equals') ? 'number' : 'text'
}

/**
 * Returns the value a comparison keeps when its operator changes to `op`: none for
 * unary operators, a list for `in`/`not_in`, and a single value otherwise.
 */
export function valueForOperator(op: string, value: unknown): unknown {
  if (UNARY.has(op)) return undefined
  if (LIST.has(op)) {
    if (Array.isArray(value)) return value
    return value === undefined || value === null || value === '' ? [] : [value]
  }
  if (Array.isArray(value)) return value[0] ?? ''
  return value ?? ''
}

/** Reads a boolean choice (`true`/`false`) as JSON, and other choices as text. */
export function choiceValue(subject: Subject | undefined, text: string): unknown {
  if (subject?.type === 'boolean') return text === 'true'
  return text
}

/** Reads a number box: a number when the text is one, the text itself otherwise, so the server names it. */
export function numberValue(text: string): unknown {
  const trimmed = text.trim()
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed)
  return text
}

/** Reads a comma-separated list, as numbers for `numeric` subjects. */
export function listValue(text: string, numeric: boolean): unknown[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
  return numeric ? items.map(numberValue) : items
}

/** Writes a comparison value as the comma-separated text of a list box. */
export function listText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ')
  return value === undefined || value === null ? '' : String(value)
}
