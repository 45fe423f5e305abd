// Keyset pagination going both ways: the API only gives the next page's cursor,
// so the cursors of the pages already seen are kept to go back.

/** The cursors of the pages from the first to the current one; the first page's is null. */
export type CursorStack = readonly (string | null)[]

export const FIRST_PAGE: CursorStack = [null]

export function currentCursor(stack: CursorStack): string | null {
  return stack[stack.length - 1] ?? null
}

export function pushCursor(stack: CursorStack, next: string): CursorStack {
  return [...stack, next]
}

/** Return the stack of the previous page; on the first page it stays there. */
export function popCursor(stack: CursorStack): CursorStack {
  return stack.length > 1 ? stack.slice(0, -1) : FIRST_PAGE
}

export function hasPreviousPage(stack: CursorStack): boolean {
  return stack.length > 1
}

/** Return the 1-based number of the current page. */
export function pageNumber(stack: CursorStack): number {
  return Math.max(stack.length, 1)
}
