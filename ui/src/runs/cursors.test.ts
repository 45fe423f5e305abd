import { describe, expect, it } from 'vitest'
import { FIRST_PAGE, currentCursor, hasPreviousPage, pageNumber, popCursor, pushCursor } from './cursors'

describe('cursor stack', () => {
  it('starts on the first page without a cursor', () => {
    expect(currentCursor(FIRST_PAGE)).toBeNull()
    expect(hasPreviousPage(FIRST_PAGE)).toBe(false)
    expect(pageNumber(FIRST_PAGE)).toBe(1)
  })

  it('goes forward and back through the pages', () => {
    const second = pushCursor(FIRST_PAGE, 'c50')
    const third = pushCursor(second, 'c100')

    expect(currentCursor(third)).toBe('c100')
    expect(pageNumber(third)).toBe(3)
    expect(currentCursor(popCursor(third))).toBe('c50')
    expect(currentCursor(popCursor(popCursor(third)))).toBeNull()
    expect(hasPreviousPage(second)).toBe(true)
  })

  it('stays on the first page when going back from it', () => {
    expect(popCursor(FIRST_PAGE)).toEqual([null])
    expect(popCursor([])).toEqual([null])
  })

  it('leaves the stack it was given unchanged', () => {
    const second = pushCursor(FIRST_PAGE, 'c50')
    pushCursor(second, 'c100')
    popCursor(second)

    expect(second).toEqual([null, 'c50'])
    expect(FIRST_PAGE).toEqual([null])
  })
})
