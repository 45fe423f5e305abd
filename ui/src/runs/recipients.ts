// Display helpers for the recipients table.

import type { DataField } from '../api/types'

/** Return the first non-empty value of a string field in the journey's field order, else of any text value. */
export function displayName(data: Record<string, unknown>, fields: DataField[]): string {
  for (const field of fields) {
    const value = data[field.name]
    if (field.type === 'string' && typeof value === 'string' && value.trim()) return value
  }
  for (const value of Object.values(data)) {
    if (typeof value === 'string' && value.trim()) return value
  }
  return ''
}
