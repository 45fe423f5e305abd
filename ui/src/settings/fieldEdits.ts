// The undo key of a change to the data fields. Only typing into one text input of one
// field merges into a single undo step; adding, removing, moving, or a change to a
// select or checkbox is a step of its own.
import type { DataField } from '../api/types'

const TYPED_SETTINGS = ['name', 'default', 'choices'] as const

/** Returns `fields:<index>:<setting>` when `after` differs from `before` in one typed setting of one field, else undefined. */
export function fieldsEditKey(before: DataField[], after: DataField[]): string | undefined {
  if (before.length !== after.length) return undefined

  const changed = after.map((field, index) => (field === before[index] ? -1 : index)).filter((index) => index >= 0)
  if (changed.length !== 1) return undefined

  const index = changed[0]
  const settings = changedSettings(before[index], after[index])
  if (settings.length !== 1) return undefined

  const setting = settings[0]
  return (TYPED_SETTINGS as readonly string[]).includes(setting) ? `fields:${index}:${setting}` : undefined
}

function changedSettings(before: DataField, after: DataField): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...names].filter((name) => JSON.stringify(before[name as keyof DataField]) !== JSON.stringify(after[name as keyof DataField]))
}
