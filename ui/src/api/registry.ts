import { getJson } from './client'
import type { Agent, SenderNumber } from './types'

/** What node settings choose from: the registered sender numbers and voice agents. */
export interface Registry {
  numbers: SenderNumber[]
  agents: Agent[]
}

export async function loadRegistry(): Promise<Registry> {
  const [numbers, agents] = await Promise.all([getJson<SenderNumber[]>('/api/numbers'), getJson<Agent[]>('/api/agents')])
  return { numbers, agents }
}
