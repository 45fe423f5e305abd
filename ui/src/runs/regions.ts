// Regions offered as an import's default region: the two-letter codes libphonenumber
// takes, named in the browser's language. The API accepts any valid code.

const REGION_CODES = [
  'AR', 'AT', 'AU', 'BE', 'BR', 'CA', 'CH', 'CL', 'CN', 'CO', 'CZ', 'DE', 'DK', 'EG', 'ES', 'FI', 'FR', 'GB', 'GR', 'HK',
  'HU', 'ID', 'IE', 'IL', 'IN', 'IT', 'JP', 'KE', 'KR', 'MA', 'MX', 'MY', 'NG', 'NL', 'NO', 'NZ', 'PE', 'PH', 'PK', 'PL',
  'PT', 'RO', 'SA', 'SE', 'SG', 'TH', 'TR', 'TW', 'UA', 'US', 'VN', 'ZA',
]

export interface Region {
  code: string
  name: string
}

/** Return the offered regions sorted by name; a region without a display name shows its code. */
export function regionOptions(locale?: string): Region[] {
  let names: Intl.DisplayNames | undefined
  try {
    names = new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region' })
  } catch {
    names = undefined
  }
  return REGION_CODES.map((code) => ({ code, name: names?.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name))
}
