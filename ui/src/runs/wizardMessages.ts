// The import API words its messages for its form fields ("the default_region field",
// "mapping=COLUMN=phone_number"). The wizard shows them next to its own controls,
// so these helpers name the controls instead.

const CONTROL_NAMES: Record<string, string> = {
  default_region: 'the Default region list',
  encoding: 'the Encoding field under Options',
  delimiter: 'the Delimiter list under Options',
  decimal: 'the Decimal mark list under Options',
  date_format: 'the Date format field under Options',
  datetime_format: 'the Date-time format field under Options',
  mapping: 'the column lists above the table',
}

/** Return a wizard sentence for a whole-file problem the dry run reports by code, or undefined. */
export function fileErrorText(code: string): string | undefined {
  if (code === 'phone_column_missing') {
    return 'No column was recognised as the phone number. Choose phone_number in the list above the column that holds the phone numbers.'
  }
  return undefined
}

/** Rewrite references to the API's form fields in `message` as references to the wizard's controls. */
export function wizardText(message: string): string {
  return message
    .replace(/\bmapping=(\S+?)=(\w+)/g, (_, column: string, field: string) =>
      column === 'COLUMN' ? `${field} in the list above that column` : `${field} in the list above column ${column}`,
    )
    .replace(/\bdecimal=([,.])/g, (_, mark: string) => `the ${mark === ',' ? 'Comma' : 'Point'} decimal mark under Options`)
    .replace(/\b(encoding|delimiter|default_region|date_format|datetime_format)=(\S+?)(?=[\s,;]|\.?$|\.\s)/g, (_, name: string, value: string) => `${value} in ${CONTROL_NAMES[name]}`)
    .replace(/\bthe (\w+) field\b/g, (phrase, name: string) => CONTROL_NAMES[name] ?? phrase)
}

/** Return the region of a browser language such as en-US when it is one of `codes`, else ''. */
export function browserRegion(language: string | undefined, codes: readonly string[]): string {
  if (!language) return ''
  let region: string | undefined
  try {
    region = new Intl.Locale(language).maximize().region
  } catch {
    region = undefined
  }
  return region && codes.includes(region) ? region : ''
}
