import { describe, expect, it } from 'vitest'
import { csvCell, rejectedRowsCsv } from './csv'

describe('csvCell', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+12025550100', "'+12025550100"],
    ['-5', "'-5"],
    ['@home', "'@home"],
    ['\tindent', "'\tindent"],
    ['\rback', `"'\rback"`],
    ['plain', 'plain'],
  ])('guards %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected)
  })

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
  })

  it('writes numbers as they are and null as empty', () => {
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })
})

describe('rejectedRowsCsv', () => {
  it('lists each rejected row under a header', () => {
    const text = rejectedRowsCsv([
      { line: 3, column: 'phone_number', value: '=cmd|calc', reason: 'invalid_phone', message: 'not a phone number, check it' },
      { line: 7, column: null, value: null, reason: 'missing_phone', message: 'no phone number' },
    ])

    expect(text.startsWith('\uFEFF')).toBe(true)
    const lines = text.slice(1).split('\r\n')
    expect(lines[0]).toBe('line,column,value,reason,message')
    expect(lines[1]).toBe(`3,phone_number,'=cmd|calc,invalid_phone,"not a phone number, check it"`)
    expect(lines[2]).toBe('7,,,missing_phone,no phone number')
    expect(lines[3]).toBe('')
    expect(lines).toHaveLength(4)
  })

  it('writes only the header for no errors', () => {
    expect(rejectedRowsCsv([])).toBe('\uFEFFline,column,value,reason,message\r\n')
  })
})
