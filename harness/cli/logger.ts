/**
 * The harness's diagnostic log (pino, to stderr). Level from MESHFLAP_LOG
 * (default "warn"); the environment is read here, once, when a command starts.
 */
import { pino } from 'pino'
import type { Logger } from 'pino'

export function createLogger (env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ level: env.MESHFLAP_LOG ?? 'warn', base: undefined }, pino.destination(2))
}
