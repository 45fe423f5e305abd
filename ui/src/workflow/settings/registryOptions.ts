import type { Registry } from '../../api/registry'

export function numberOptions(registry: Registry): { value: string; label: string }[] {
  return registry.numbers.map((number) => ({ value: number.number, label: number.label ? `${number.label} (${number.number})` : number.number }))
}

export function agentOptions(registry: Registry): { value: string; label: string }[] {
  return registry.agents.map((agent) => ({ value: agent.name, label: agent.description ? `${agent.name}: ${agent.description}` : agent.name }))
}
