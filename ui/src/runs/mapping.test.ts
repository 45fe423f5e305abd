import { describe, expect, it } from 'vitest'
import { IGNORE, mappingEntries, proposedChoices, repeatedFields } from './mapping'

describe('proposedChoices', () => {
  it('matches a header with spaces around it to the proposal for the trimmed header', () => {
    expect(proposedChoices([' Phone Number ', 'Notes'], { 'Phone Number': 'phone_number' })).toEqual({
      ' Phone Number ': 'phone_number',
      Notes: IGNORE,
    })
  })

  it('keeps proposed fields and ignores the other columns', () => {
    expect(proposedChoices(['Mobile', 'Name', 'Notes'], { Mobile: 'phone_number', Name: 'customer_name' })).toEqual({
      Mobile: 'phone_number',
      Name: 'customer_name',
      Notes: IGNORE,
    })
  })
})

describe('mappingEntries', () => {
  it('writes COLUMN=field for every column', () => {
    expect(mappingEntries({ Mobile: 'phone_number', Notes: IGNORE, Other: '' })).toEqual(['Mobile=phone_number', 'Notes=-', 'Other=-'])
  })

  it('skips a blank header, which no mapping can name', () => {
    expect(mappingEntries({ ' ': 'phone_number' })).toEqual([])
  })
})

describe('repeatedFields', () => {
  it('finds a field chosen twice, but not repeated ignores', () => {
    expect(repeatedFields({ A: 'phone_number', B: 'phone_number', C: IGNORE, D: IGNORE })).toEqual(['phone_number'])
    expect(repeatedFields({ A: 'phone_number', B: 'name' })).toEqual([])
  })
})
