import { describe, expect, it } from 'vitest'
import { browserRegion, fileErrorText, wizardText } from './wizardMessages'

describe('wizardText', () => {
  it('names the mapping controls instead of the form setting', () => {
    const text = wizardText("no column maps to phone_number. The columns are 'Name'; name the phone column phone_number, or map it with mapping=COLUMN=phone_number.")
    expect(text).toContain('or map it with phone_number in the list above that column.')
    expect(text).not.toContain('mapping=')
  })

  it('names the Default region list instead of the field', () => {
    const text = wizardText('2025550101 has no country code; write it with +, or set the default_region field.')
    expect(text).toBe('2025550101 has no country code; write it with +, or set the Default region list.')
  })

  it('names a setting with its value', () => {
    expect(wizardText('declare it with encoding=utf-16-le or encoding=utf-16-be, or save it as UTF-8 CSV.')).toBe(
      'declare it with utf-16-le in the Encoding field under Options or utf-16-be in the Encoding field under Options, or save it as UTF-8 CSV.',
    )
  })

  it('leaves other text alone', () => {
    expect(wizardText('the phone_number field is fine')).toBe('the phone_number field is fine')
  })
})

describe('fileErrorText', () => {
  it('explains a missing phone column', () => {
    expect(fileErrorText('phone_column_missing')).toContain('Choose phone_number')
    expect(fileErrorText('other')).toBeUndefined()
  })
})

describe('browserRegion', () => {
  it('takes the region of the language when offered', () => {
    expect(browserRegion('en-US', ['GB', 'US'])).toBe('US')
    expect(browserRegion('de-AT', ['AT', 'DE'])).toBe('AT')
  })

  it('is empty when the region is not offered or unknown', () => {
    expect(browserRegion('en-US', ['GB'])).toBe('')
    expect(browserRegion('not a language', ['US'])).toBe('')
    expect(browserRegion(undefined, ['US'])).toBe('')
  })
})
