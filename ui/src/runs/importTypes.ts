// Shapes of the import route's JSON (POST /api/runs/{id}/imports).

export interface RowError {
  line: number
  column: string | null
  value: string | null
  reason: string
  message: string
}

export interface Duplicate {
  line: number
  phone_number: string
  duplicate_of: number | string
}

export interface ImportPreview {
  headers: string[]
  rows: { line: number; cells: string[] }[]
  fields: string[]
}

export interface ImportReport {
  run_id: number
  filename: string | null
  dry_run: boolean
  encoding: string
  encoding_fallback: boolean
  delimiter: string
  /** Column to field. */
  mapping: Record<string, string>
  ignored_columns: string[]
  unmapped_columns: string[]
  recipient_status: string
  rows: number
  accepted: number
  rejected_rows: number
  blank_rows: number
  skipped: number
  row_error_count: number
  row_errors: RowError[]
  row_errors_omitted: number
  duplicate_count: number
  duplicates: Duplicate[]
  duplicates_omitted: number
  preview: ImportPreview | null
}
