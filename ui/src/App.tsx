import { useEffect, useMemo, useState } from 'react'
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
      <TopBar session={value} />
      <ConnectionBanner />
      <Screen />
    </SessionContext.Provider>
  )
}

function TopBar({ session }: { session: Session }) {
  return (
    <div className="top-bar">
      <span className="brand">Journeys</span>
      <span className="who">
        {session.user.email ?? 'API key'} · {session.user.role}
      </span>
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </div>
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
