/**
 * Ctrl-C handling for long commands: the first SIGINT aborts the signal (the
 * run stops its nodes and proxies and writes what it has); a second one exits at once.
 */
export function interruptSignal (): { signal: AbortSignal, dispose: () => void } {
  const controller = new AbortController()
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write('\ninterrupted: stopping nodes and proxies (Ctrl-C again to quit at once)\n')
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  process.on('SIGTERM', onSigint)
  return {
    signal: controller.signal,
    dispose: () => { process.off('SIGINT', onSigint); process.off('SIGTERM', onSigint) }
  }
}
