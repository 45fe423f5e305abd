// The import wizard's column mapping: one choice per CSV column, a field name or
// IGNORE, sent as the form's repeated `mapping=COLUMN=field` entries.

export const IGNORE = '-'

/**
 * Start from the mapping the API proposed (column to field); other columns are ignored.
 * The API keys its proposal by the trimmed header, while the preview shows headers as read.
 */
export function proposedChoices(headers: string[], proposed: Record<string, string>): Record<string, string> {
  return Object.fromEntries(headers.map((header) => [header, proposed[header] ?? proposed[header.trim()] ?? IGNORE]))
}

export function mappingEntries(choices: Record<string, string>): string[] {
  return Object.entries(choices)
    .filter(([column]) => column.trim() !== '')
    .map(([column, field]) => `${column}=${field || IGNORE}`)
}

/** Return the fields chosen for more than one column, which the API would reject. */
export function repeatedFields(choices: Record<string, string>): string[] {
  const seen = new Map<string, number>()
  for (const field of Object.values(choices)) {
    if (field && field !== IGNORE) seen.set(field, (seen.get(field) ?? 0) + 1)
  }
  return [...seen].filter(([, count]) => count > 1).map(([field]) => field)
}
