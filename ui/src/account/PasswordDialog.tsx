import { useState, type FormEvent } from 'react'
import { changeOwnPassword } from '../api/client'
import type { WhoAmI } from '../api/types'
import { Dialog } from '../components/Dialog'
import { ErrorNotice } from '../components/ErrorNotice'
import { Field } from '../components/Field'
import { hasProblems, MIN_PASSWORD_LENGTH, passwordChangeBody, passwordProblems, type PasswordForm, type PasswordProblems } from './password'

const FORM_ID = 'password-form'

interface PasswordDialogProps {
  user: WhoAmI
  onClose: () => void
  onChanged: (user: WhoAmI) => void
}

/** Sets the signed-in user's first password, or changes it after asking for the current one. */
export function PasswordDialog({ user, onClose, onChanged }: PasswordDialogProps) {
  const hasPassword = Boolean(user.has_password)
  const [form, setForm] = useState<PasswordForm>({ current: '', next: '', confirm: '' })
  const [problems, setProblems] = useState<PasswordProblems>({})
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  function edit(field: keyof PasswordForm, value: string) {
    setForm((previous) => ({ ...previous, [field]: value }))
    setProblems((previous) => ({ ...previous, [field]: undefined }))
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    const found = passwordProblems(form, hasPassword)
    setProblems(found)
    setError(undefined)
    if (hasProblems(found)) return

    setBusy(true)
    try {
      onChanged(await changeOwnPassword(passwordChangeBody(form, hasPassword)))
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      title={hasPassword ? 'Change password' : 'Set password'}
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={FORM_ID} className="primary" disabled={busy}>
            Save password
          </button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={submit} noValidate>
        {/* Password managers match the new password to this account by the username field. */}
        <input type="email" autoComplete="username" value={user.email ?? ''} readOnly hidden />
        {hasPassword ? (
          <Field label="Current password" error={problems.current}>
            {(props) => (
              <input {...props} type="password" autoComplete="current-password" value={form.current} onChange={(e) => edit('current', e.target.value)} autoFocus />
            )}
          </Field>
        ) : (
          <p className="hint">You signed in with a one-time link. With a password you can sign in again with your email.</p>
        )}
        <Field label="New password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={problems.next}>
          {(props) => (
            <input {...props} type="password" autoComplete="new-password" value={form.next} onChange={(e) => edit('next', e.target.value)} autoFocus={!hasPassword} />
          )}
        </Field>
        <Field label="Confirm new password" error={problems.confirm}>
          {(props) => <input {...props} type="password" autoComplete="new-password" value={form.confirm} onChange={(e) => edit('confirm', e.target.value)} />}
        </Field>
        <p className="hint">Saving signs you out on your other browsers and devices.</p>
        <ErrorNotice error={error} />
      </form>
    </Dialog>
  )
}
