import type { EngineKind, StartedEngine } from './runtime.ts'
export async function startEngine (kind: EngineKind, _o: { host: string, logDir: string, signal?: AbortSignal }): Promise<StartedEngine> {
  throw new Error(`WIP ${kind}`)
}
