import { useEffect, useMemo, useState } from 'react'
import { PasswordDialog } from './account/PasswordDialog'
import { ApiError, getJson, sendJson } from './api/client'
import type { WhoAmI } from './api/types'
import { ConnectionBanner, ErrorNotice } from './components/ErrorNotice'
import { JourneyPage } from './pages/JourneyPage'
import { JourneysList } from './pages/JourneysList'
import { SignIn } from './pages/SignIn'
import { navigate, useRoute } from './router'
import { SessionContext, type Session } from './session'

type SessionState = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; user: WhoAmI } | { state: 'error'; error: unknown }

export function App() {
  const [session, setSession] = useState<SessionState>({ state: 'loading' })

  useEffect(() => {
    getJson<WhoAmI>('/api/session').then(
      (user) => setSession({ state: 'signed-in', user }),
      (error: unknown) => setSession(error instanceof ApiError && error.status === 401 ? { state: 'signed-out' } : { state: 'error', error }),
    )
  }, [])

  const value = useMemo<Session | null>(() => {
    if (session.state !== 'signed-in') return null
    return {
      user: session.user,
      signOut: async () => {
        await sendJson('DELETE', '/api/session')
        setSession({ state: 'signed-out' })
        navigate('/')
      },
    }
  }, [session])

  if (session.state === 'loading') return <p className="loading">Loading…</p>
  if (session.state === 'error') {
    return (
      <>
        <ConnectionBanner />
        <ErrorNotice error={session.error} />
      </>
    )
  }
  if (session.state === 'signed-out' || !value) return <SignIn onSignedIn={(user) => setSession({ state: 'signed-in', user })} />

  return (
    <SessionContext.Provider value={value}>
      <TopBar session={value} onUserChanged={(user) => setSession({ state: 'signed-in', user })} />
      <ConnectionBanner />
      <Screen />
    </SessionContext.Provider>
  )
}

// How long the top bar shows that the password was saved.
const SAVED_NOTICE_MS = 5000

function TopBar({ session, onUserChanged }: { session: Session; onUserChanged: (user: WhoAmI) => void }) {
  const [editing, setEditing] = useState(false)
  const [saved, setSaved] = useState(false)

  useEffect(() => {
    if (!saved) return
    const timer = window.setTimeout(() => setSaved(false), SAVED_NOTICE_MS)
    return () => window.clearTimeout(timer)
  }, [saved])

  // API keys have no password, so only a signed-in user gets the button.
  const isUser = session.user.user_id !== null
  // The dialog sits outside the bar, so that it does not take on the bar's colours.
  return (
    <>
      <div className="top-bar">
        <span className="brand">Journeys</span>
        {saved && (
          <span className="top-bar-notice" role="status">
            Password saved. Your other sessions are signed out.
          </span>
        )}
        <span className="who">
          {session.user.email ?? 'API key'} · {session.user.role}
        </span>
        {isUser && (
          <button type="button" onClick={() => setEditing(true)}>
            {session.user.has_password ? 'Change password' : 'Set password'}
          </button>
        )}
        <button type="button" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </div>
      {editing && (
        <PasswordDialog
          user={session.user}
          onClose={() => setEditing(false)}
          onChanged={(user) => {
            setEditing(false)
            setSaved(true)
            onUserChanged(user)
          }}
        />
      )}
    </>
  )
}

function Screen() {
  const route = useRoute()
  if (route.page === 'journeys') return <JourneysList />
  if (route.page === 'journey') return <JourneyPage journeyId={route.journeyId} tab={route.tab} runId={route.runId} />
  return (
    <main className="page">
      <h1>Page not found</h1>
      <p>
        Nothing is at {route.path}. <a href="/">Go to the journeys list.</a>
      </p>
    </main>
  )
}
