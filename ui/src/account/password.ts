// Checks of the password form that the browser can make before it sends anything.
// The server checks the length again, and only it can check the current password.

/** The shortest password the server accepts, in characters (Unicode code points, as Python counts them). */
export const MIN_PASSWORD_LENGTH = 12

export interface PasswordForm {
  current: string
  next: string
  confirm: string
}

/** The message for each field that cannot be sent as it is; empty when the form is ready. */
export interface PasswordProblems {
  current?: string
  next?: string
  confirm?: string
}

export interface PasswordChangeBody {
  current_password: string | null
  new_password: string
}

/** Returns the length of a text in code points, so that an emoji counts once, as on the server. */
function characters(text: string): number {
  return [...text].length
}

export function passwordProblems(form: PasswordForm, hasPassword: boolean): PasswordProblems {
  const problems: PasswordProblems = {}
  if (hasPassword && form.current === '') problems.current = 'Enter the password you sign in with now.'

  const length = characters(form.next)
  if (length < MIN_PASSWORD_LENGTH) {
    problems.next = `Use at least ${MIN_PASSWORD_LENGTH} characters; this password has ${length}.`
  }

  if (form.confirm !== form.next) problems.confirm = 'The two new passwords differ; type the same password in both fields.'
  return problems
}

export function hasProblems(problems: PasswordProblems): boolean {
  return Object.values(problems).some(Boolean)
}

/** Builds the request body; a user without a password sends no current one. */
export function passwordChangeBody(form: PasswordForm, hasPassword: boolean): PasswordChangeBody {
  return { current_password: hasPassword ? form.current : null, new_password: form.next }
}
