// CSV made in the browser, guarded as the server's export is: a cell that a
// spreadsheet would run as a formula gets a leading apostrophe.

import type { RowError } from './importTypes'

const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r']
const BYTE_ORDER_MARK = '\uFEFF'

/** Return a cell as CSV: formula-guarded, and quoted when it holds a quote, comma or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA_STARTS.some((start) => text.startsWith(start))) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells.map(csvCell).join(',')
}

export const REJECTED_HEADER = ['line', 'column', 'value', 'reason', 'message']

/** Build the CSV of an import's rejected rows, with a byte-order mark so spreadsheets read it as UTF-8. */
export function rejectedRowsCsv(errors: RowError[]): string {
  const lines = [csvLine(REJECTED_HEADER), ...errors.map((error) => csvLine([error.line, error.column, error.value, error.reason, error.message]))]
  return `${BYTE_ORDER_MARK}${lines.join('\r\n')}\r\n`
}
