// Checks of data fields as the server makes them (`journeys.domain.document.DataField`
// and the field checks of `journeys.domain.validation`), so the editor can warn early.
import type { DataField, FieldType } from '../api/types'

export const FIELD_TYPES: FieldType[] = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'phone', 'email', 'enum']
export const BUILTIN_FIELD_NAMES = ['phone_number', 'timezone']
const FIELD_NAME = /^[a-z][a-z0-9_]*$/
const RESERVED_NAMES = new Set(['data', 'nodes', 'recipient', 'run'])
// Columns of the recipients export after the data fields, so a field must not take one of these names.
const EXPORT_COLUMNS = new Set([
  'status',
  'current_node',
  'result',
  'failure_reason',
  'calls_placed',
  'last_call_outcome',
  'talk_time_seconds',
  'sms_sent',
  'started_at',
  'finished_at',
  'phone_extension',
])
const E164 = /^\+[1-9]\d{1,14}$/
const EMAIL = /^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Returns why `name` cannot name a data field, given the names of the other fields, or undefined. */
export function fieldNameProblem(name: string, otherNames: string[]): string | undefined {
  if (!FIELD_NAME.test(name)) {
    return `invalid field name '${name}': use lowercase letters, digits and underscores, starting with a letter`
  }
  if (RESERVED_NAMES.has(name)) return `'${name}' is reserved; choose another field name`
  if (EXPORT_COLUMNS.has(name)) {
    return `'${name}' is a column of the recipients export; choose another field name, such as 'customer_${name}'`
  }
  if (BUILTIN_FIELD_NAMES.includes(name)) return `'${name}' is a built-in field that every journey has; choose another name`
  if (otherNames.includes(name)) return `duplicate field name '${name}'; give each field its own name`
  return undefined
}

/** Returns why a field's default does not fit its type, or undefined when it fits or is unset. */
export function defaultProblem(field: DataField): string | undefined {
  const value = field.default
  if (value === undefined || value === null) return undefined
  if (fitsType(value, field)) return undefined

  const hints: Partial<Record<FieldType, string>> = {
    date: 'write dates as YYYY-MM-DD',
    datetime: 'write datetimes in ISO 8601, such as 2026-06-10T09:00:00-04:00',
    phone: 'write phone numbers in E.164, such as +12025550100',
    enum: `use one of ${(field.choices ?? []).join(', ')}`,
  }
  return `default ${JSON.stringify(value)} does not fit type ${field.type}; ${hints[field.type] ?? 'give a value of that type or remove the default'}`
}

/** Returns why an enum field's choices are unusable, or undefined. */
export function choicesProblem(field: DataField): string | undefined {
  if (field.type !== 'enum') return undefined
  if (!field.choices || field.choices.length === 0) return `enum field '${field.name}' needs at least one choice`
  return undefined
}

/**
 * Returns `field` changed to `type`: choices only on enum fields, and a default
 * dropped when it no longer fits.
 */
export function withType(field: DataField, type: FieldType): DataField {
  const changed: DataField = { ...field, type }
  if (type === 'enum') changed.choices = field.choices ?? []
  else delete changed.choices
  if (changed.default !== undefined && defaultProblem(changed) !== undefined) delete changed.default
  return changed
}

/** Reads the default box of a field of `type`: JSON numbers and booleans, text otherwise, and unset when empty. */
export function parseDefault(type: FieldType, text: string): unknown {
  if (text === '') return undefined
  if (type === 'number' || type === 'integer') {
    const number = Number(text)
    return text.trim() !== '' && Number.isFinite(number) ? number : text
  }
  if (type === 'boolean') return text === 'true'
  return text
}

/** Returns the first name `field_<n>` that no field has yet. */
export function freshFieldName(fields: DataField[]): string {
  const taken = new Set(fields.map((field) => field.name))
  let index = fields.length + 1
  while (taken.has(`field_${index}`)) index += 1
  return `field_${index}`
}

function fitsType(value: unknown, field: DataField): boolean {
  const isNumber = typeof value === 'number' && Number.isFinite(value)
  switch (field.type) {
    case 'number':
      return isNumber
    case 'integer':
      return isNumber && Number.isInteger(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && isRealDate(value)
    case 'datetime':
      return typeof value === 'string' && ISO_DATETIME.test(value) && isRealDate(value.slice(0, 10))
    case 'phone':
      return typeof value === 'string' && E164.test(value)
    case 'email':
      return typeof value === 'string' && EMAIL.test(value)
    case 'enum':
      return typeof value === 'string' && (field.choices ?? []).includes(value)
    default:
      return typeof value === 'string'
  }
}

function isRealDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number)
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}
