// API messages as a browser user should read them.

// Pydantic puts this before the text of a ValueError raised in a validator.
const PYDANTIC_PREFIX = /^Value error, /

/** Removes Pydantic's "Value error, " prefix from a message. */
export function plainMessage(message: string): string {
  return message.replace(PYDANTIC_PREFIX, '')
}
