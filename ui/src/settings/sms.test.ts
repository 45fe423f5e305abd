import { describe, expect, it } from 'vitest'
import vectorsText from '../../../tests/fixtures/sms_vectors.json?raw'
import { countSms, describeSmsCount, GSM7_BASIC, GSM7_EXTENSION, smsLengthProblem } from './sms'

interface Vector {
  name: string
  parts: [string, number][]
  encoding: string
  segments: number
}

const shared = JSON.parse(vectorsText) as { gsm7_basic: string; gsm7_extension: string; vectors: Vector[] }

function textOf(vector: Vector): string {
  return vector.parts.map(([part, count]) => part.repeat(count)).join('')
}

describe('shared vectors', () => {
  it('use the same alphabet tables', () => {
    expect([...GSM7_BASIC].sort()).toEqual([...shared.gsm7_basic].sort())
    expect(GSM7_BASIC.size).toBe(127)
    expect([...GSM7_EXTENSION].sort()).toEqual([...shared.gsm7_extension].sort())
  })

  it.each(shared.vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const count = countSms(textOf(vector))
    expect(count.encoding).toBe(vector.encoding)
    expect(count.segments).toBe(vector.segments)
  })
})

describe('countSms', () => {
  it('counts every extension character as two septets', () => {
    for (const char of GSM7_EXTENSION) {
      expect(countSms(char.repeat(80)).segments).toBe(1)
      expect(countSms(char.repeat(81)).segments).toBe(2)
    }
  })

  it('counts an emoji as two UTF-16 code units but one character', () => {
    const count = countSms('Hi 😀')
    expect(count.encoding).toBe('UCS-2')
    expect(count.characters).toBe(4)
    expect(count.units).toBe(5)
  })

  it('counts septets for GSM-7', () => {
    const count = countSms('a€')
    expect(count.characters).toBe(2)
    expect(count.units).toBe(3)
  })

  it('switches to UCS-2 on one character outside GSM-7', () => {
    expect(countSms('a'.repeat(100)).encoding).toBe('GSM-7')
    expect(countSms('a'.repeat(100) + 'ç').encoding).toBe('UCS-2')
  })
})

describe('describeSmsCount', () => {
  it('reads like the counter', () => {
    expect(describeSmsCount(countSms('a'.repeat(161)))).toBe('2 segments · GSM-7 · 161 characters')
    expect(describeSmsCount(countSms('ж'))).toBe('1 segment · UCS-2 · 1 character')
    expect(describeSmsCount(countSms('a'.repeat(1500)))).toBe('10 segments · GSM-7 · 1,500 characters')
  })
})

describe('smsLengthProblem', () => {
  it('accepts 1,600 characters and rejects 1,601', () => {
    expect(smsLengthProblem('a'.repeat(1600))).toBeUndefined()
    expect(smsLengthProblem('a'.repeat(1601))).toBe('it has 1,601 characters, and an SMS can have at most 1,600')
  })

  it('counts an emoji once toward the limit', () => {
    expect(smsLengthProblem('😀'.repeat(1600))).toBeUndefined()
  })
})
