import { useState, type FormEvent } from 'react'
import { sendJson } from '../api/client'
import type { WhoAmI } from '../api/types'
import { ErrorNotice } from '../components/ErrorNotice'
import { Field } from '../components/Field'

export function SignIn({ onSignedIn }: { onSignedIn: (user: WhoAmI) => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    try {
      onSignedIn(await sendJson<WhoAmI>('POST', '/api/session', { email, password }))
    } catch (reason) {
      setError(reason)
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="sign-in">
      <h1>Journeys</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <Field label="Email">
          {(props) => <input {...props} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}
        </Field>
        <Field label="Password">
          {(props) => (
            <input {...props} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          )}
        </Field>
        <ErrorNotice error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="hint">
        No password yet? An admin prints a one-time sign-in link with <code>journeys user link EMAIL</code>.
      </p>
    </main>
  )
}
