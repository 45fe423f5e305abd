import { describe, expect, it } from 'vitest'
import { hasProblems, MIN_PASSWORD_LENGTH, passwordChangeBody, passwordProblems } from './password'

const GOOD = 'a long enough password'

describe('passwordProblems', () => {
  it('accepts a long password typed twice', () => {
    const problems = passwordProblems({ current: 'old password', next: GOOD, confirm: GOOD }, true)

    expect(problems).toEqual({})
    expect(hasProblems(problems)).toBe(false)
  })

  it('needs the current password when the user has one', () => {
    const problems = passwordProblems({ current: '', next: GOOD, confirm: GOOD }, true)

    expect(problems.current).toBe('Enter the password you sign in with now.')
    expect(hasProblems(problems)).toBe(true)
  })

  it('needs no current password for a link-only user', () => {
    expect(passwordProblems({ current: '', next: GOOD, confirm: GOOD }, false)).toEqual({})
  })

  it('names the minimum and the length typed', () => {
    const short = 'x'.repeat(MIN_PASSWORD_LENGTH - 1)

    const problems = passwordProblems({ current: '', next: short, confirm: short }, false)

    expect(problems.next).toBe(`Use at least 12 characters; this password has 11.`)
    expect(problems.confirm).toBeUndefined()
  })

  it('accepts exactly the minimum length', () => {
    const exact = 'x'.repeat(MIN_PASSWORD_LENGTH)

    expect(passwordProblems({ current: '', next: exact, confirm: exact }, false)).toEqual({})
  })

  it('counts an emoji as one character, as the server does', () => {
    const emojis = '🔑'.repeat(MIN_PASSWORD_LENGTH - 1)

    expect(passwordProblems({ current: '', next: emojis, confirm: emojis }, false).next).toContain('has 11')
  })

  it('reports a confirmation that differs', () => {
    const problems = passwordProblems({ current: '', next: GOOD, confirm: `${GOOD} ` }, false)

    expect(problems.confirm).toBe('The two new passwords differ; type the same password in both fields.')
    expect(problems.next).toBeUndefined()
  })
})

describe('passwordChangeBody', () => {
  it('sends the current password when the user has one', () => {
    expect(passwordChangeBody({ current: 'old password', next: GOOD, confirm: GOOD }, true)).toEqual({
      current_password: 'old password',
      new_password: GOOD,
    })
  })

  it('sends null as the current password for a link-only user', () => {
    expect(passwordChangeBody({ current: 'typed anyway', next: GOOD, confirm: GOOD }, false)).toEqual({
      current_password: null,
      new_password: GOOD,
    })
  })
})
