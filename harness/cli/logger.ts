/**
 * The harness's diagnostic log (pino, JSON lines on stderr). The level comes
 * from MESHFLAP_LOG (default "warn"; "debug" shows devnet start-up, proxies,
 * selector resolution, fault application and docker builds). The environment
 * is read here and only when a command or a devnet starts, never at import.
 *
 *   createLogger()          -> level from process.env.MESHFLAP_LOG, writes to fd 2
 *   createLogger(env, out)  -> a given environment and destination (tests)
 *   log.child({ component: 'devnet' }).debug({ leg }, 'proxy created')
 */
import { pino } from 'pino'
import type { DestinationStream, Logger } from 'pino'

export type { Logger } from 'pino'

export function createLogger (env: NodeJS.ProcessEnv = process.env, destination?: DestinationStream): Logger {
  const asked = env.MESHFLAP_LOG?.trim() ?? ''
  const known = [...Object.keys(pino.levels.values), 'silent']
  const level = known.includes(asked) ? asked : 'warn'
  // synchronous to fd 2: a line written just before exit (or a crash) is not lost
  const log = pino({ level, base: undefined }, destination ?? pino.destination({ dest: 2, sync: true }))
  if (asked !== '' && level !== asked) log.warn(`MESHFLAP_LOG=${asked} is not a level (${known.join(', ')}); using warn`)
  return log
}

/** A logger that writes nothing (a caller that wants no diagnostics at all). */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
