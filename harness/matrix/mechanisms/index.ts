/**
 * Every failure mechanism a known-failures entry may name (`mechanism:`). Adding one: its file
 * (mechanism.ts says what it is) and one line here.
 */
import { goForgetsPeerTopics } from './go-forgets-peer-topics.ts'
import { goResetsRustStreams } from './go-resets-rust-streams.ts'
import type { Mechanism } from './mechanism.ts'
import { rustStreamNotReopened } from './rust-stream-not-reopened.ts'

export const MECHANISMS = [
  goResetsRustStreams,
  goForgetsPeerTopics,
  rustStreamNotReopened
] as const satisfies readonly Mechanism[]

export type MechanismName = typeof MECHANISMS[number]['name']
export const MECHANISM_NAMES = MECHANISMS.map(m => m.name) as MechanismName[]

export function mechanism (name: MechanismName): Mechanism {
  return MECHANISMS.find(m => m.name === name) as Mechanism
}
