// The signed-in user, and the actions their role allows.
import { createContext, useContext } from 'react'
import type { Role, WhoAmI } from './api/types'

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

export interface Session {
  user: WhoAmI
  signOut: () => Promise<void>
}

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession is used outside SessionContext')
  return session
}

/** Whether the signed-in role is at least `role`: operators run, admins also manage. */
export function useCan(role: Role): boolean {
  return RANK[useSession().user.role] >= RANK[role]
}
